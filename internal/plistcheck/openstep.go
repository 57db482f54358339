package plistcheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxEscapeWork bounds the bytes howett.net/plist v1.0.1 copies while
// decoding the escape sequences of all quoted strings in one input. It
// appends to the decoded string once per escape sequence, copying what it
// has so far, so one string costs about its escapes times its length:
// 1<<26 is 64 MB of copying, tens of milliseconds.
const maxEscapeWork = 1 << 26

// errSyntax stops the OpenStep scan where howett.net/plist reports a syntax
// error, which ends its recursion too.
var errSyntax = errors.New("syntax error")

// errEmptyDictionary marks a value missing at the end of the text, which
// the parser reads as an empty dictionary.
var errEmptyDictionary = errors.New("empty dictionary at the end of the text")

// checkOpenStep rejects an OpenStep or GNUstep property list that
// howett.net/plist v1.0.1 would parse nested deeper than MaxDepth, or whose
// quoted strings would cost more than maxEscapeWork to decode.
func checkOpenStep(data []byte) error {
	_, err := openStepDepth(data)
	return err
}

// openStepDepth returns the deepest nesting of arrays and dictionaries that
// howett.net/plist v1.0.1 reaches while parsing data as text, or an error
// wrapping ErrTooDeep or ErrTooLarge.
//
// The scan follows the tokenizer and grammar of that parser (text_parser.go)
// without recursion, so brackets inside quoted strings, comments, data and
// GNUstep typed values count exactly where the parser reads them. It stops
// at the first syntax error the parser would raise. The returned depth is
// an upper bound: it never skips a bracket the parser reads, and it
// continues past errors that the parser detects only while converting a
// value, such as an invalid number in <*I...> or invalid base64.
func openStepDepth(data []byte) (int, error) {
	text, ok := decodeText(data)
	if !ok {
		return 0, nil // the parser rejects odd-length UTF-16 before parsing
	}

	scan := &openStepScan{text: text}
	topIsString, err := scan.run(false)
	if err == nil && topIsString && scan.skipWhitespaceAndComments() == nil {
		if scan.pos < len(scan.text) {
			// Text after a top-level string makes the parser read the
			// whole input again as the body of a strings-file dictionary.
			scan.pos = 0
			_, err = scan.run(true)
		}
	}
	if errors.Is(err, errSyntax) {
		err = nil
	}
	return scan.maxDepth, err
}

// decodeText converts data to the string howett.net/plist v1.0.1 parses: a
// UTF-8 or UTF-16 byte order mark selects the encoding, else a zero byte in
// the first two bytes selects UTF-16, else the bytes are read as UTF-8. It
// returns false for UTF-16 of odd length, which the parser rejects.
func decodeText(data []byte) (string, bool) {
	switch {
	case len(data) >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf:
		return string(data[3:]), true
	case len(data) < 2:
		return string(data), true
	case data[0] == 0xfe && data[1] == 0xff:
		return decodeUTF16(data[2:], binary.BigEndian)
	case data[0] == 0 && data[1] != 0:
		return decodeUTF16(data, binary.BigEndian)
	case data[0] == 0xff && data[1] == 0xfe:
		return decodeUTF16(data[2:], binary.LittleEndian)
	case data[0] != 0 && data[1] == 0:
		return decodeUTF16(data, binary.LittleEndian)
	}
	return string(data), true
}

func decodeUTF16(data []byte, order binary.ByteOrder) (string, bool) {
	if len(data)%2 != 0 {
		return "", false
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	return string(utf16.Decode(units)), true
}

// unquotedStringBytes are the ASCII characters an unquoted string may
// contain in howett.net/plist v1.0.1 (its gsQuotable table, inverted).
// Characters above U+00FF are allowed too, and every other character up to
// U+00FF ends the string.
const unquotedStringBytes = "!#$%&*+-./0123456789:?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_abcdefghijklmnopqrstuvwxyz|~"

// isUnquotedStringRune reports whether r may appear in an unquoted string.
func isUnquotedStringRune(r rune) bool {
	if r > 0xff {
		return true
	}
	return r < 0x80 && strings.IndexByte(unquotedStringBytes, byte(r)) >= 0
}

// isWhitespace reports whether the parser skips r between tokens: space,
// backspace, tab, line feed, vertical tab, form feed and carriage return.
func isWhitespace(r rune) bool {
	return r == ' ' || (r >= '\b' && r <= '\r')
}

// isHexDataSpace reports whether the parser skips r inside <hex data>.
func isHexDataSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
}

func isHexDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}

// openStepScan is the position and budgets of one OpenStep scan. Its
// methods return errSyntax where the parser panics with a syntax error.
type openStepScan struct {
	text       string
	pos        int
	maxDepth   int
	escapeWork int64 // bytes copied for escape sequences, over all strings
}

// next returns the rune at pos and advances, or returns -1 at the end.
// Invalid UTF-8 decodes to U+FFFD one byte at a time, as in the parser.
func (s *openStepScan) next() rune {
	if s.pos >= len(s.text) {
		return -1
	}
	r, width := utf8.DecodeRuneInString(s.text[s.pos:])
	s.pos += width
	return r
}

func (s *openStepScan) peek() rune {
	if s.pos >= len(s.text) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(s.text[s.pos:])
	return r
}

// skipWhitespaceAndComments skips whitespace, // line comments and /* block
// comments, which the parser recognises only between tokens.
func (s *openStepScan) skipWhitespaceAndComments() error {
	for {
		for isWhitespace(s.peek()) {
			s.next()
		}
		rest := s.text[s.pos:]
		switch {
		case strings.HasPrefix(rest, "//"):
			end := strings.IndexAny(rest, "\n\r")
			if end < 0 {
				end = len(rest)
			}
			s.pos += end
		case strings.HasPrefix(rest, "/*"):
			end := strings.Index(rest, "*/")
			if end < 0 {
				return errSyntax
			}
			s.pos += end + 2
		default:
			return nil
		}
	}
}

// container is an array or dictionary the scan is inside.
type container struct {
	dictionary bool
	endAtEOF   bool // the strings-file dictionary, which has no closing brace
}

// scanState is the kind of token the scan expects next.
type scanState int

const (
	expectValue  scanState = iota
	expectMember           // an array element or ')', or a dictionary key or '}'
	afterValue             // a completed value inside the innermost container
)

// run scans one value, or with stringsFile the body of a strings-file
// dictionary, and reports whether the top value was a string.
func (s *openStepScan) run(stringsFile bool) (topIsString bool, err error) {
	var stack []container
	state := expectValue
	if stringsFile {
		stack = append(stack, container{dictionary: true, endAtEOF: true})
		s.maxDepth = max(s.maxDepth, 1)
		state = expectMember
	}

	for {
		switch state {
		case expectValue:
			opened, isString, err := s.value()
			if errors.Is(err, errEmptyDictionary) {
				s.maxDepth = max(s.maxDepth, len(stack)+1)
				err = nil
			}
			if err != nil {
				return false, err
			}
			if opened != nil {
				stack = append(stack, *opened)
				if len(stack) > MaxDepth {
					return false, fmt.Errorf("OpenStep property list is %w", ErrTooDeep)
				}
				s.maxDepth = max(s.maxDepth, len(stack))
				state = expectMember
				continue
			}
			if len(stack) == 0 {
				return isString, nil
			}
			state = afterValue

		case expectMember:
			switch member, err := s.member(stack[len(stack)-1]); {
			case err != nil:
				return false, err
			case member == memberValue:
				state = expectValue
			case member == memberClosed:
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					return false, nil
				}
				state = afterValue
			}

		case afterValue:
			if stack[len(stack)-1].dictionary {
				if err := s.skipWhitespaceAndComments(); err != nil {
					return false, err
				}
				if s.next() != ';' {
					return false, errSyntax
				}
			}
			state = expectMember
		}
	}
}

// memberStart is the kind of token that starts a container member.
type memberStart int

const (
	memberValue  memberStart = iota // a value follows: an array element or after "key ="
	memberNone                      // a ',' in an array, or a "key;" entry
	memberClosed                    // the closing bracket, or the end of a strings file
)

// member reads the start of the next member of c, leaving pos before an
// array element or after a dictionary entry's '=' when a value follows.
func (s *openStepScan) member(c container) (memberStart, error) {
	if err := s.skipWhitespaceAndComments(); err != nil {
		return 0, err
	}
	start := s.pos
	r := s.next()

	if !c.dictionary {
		switch r {
		case -1:
			return 0, errSyntax
		case ')':
			return memberClosed, nil
		case ',':
			return memberNone, nil
		}
		s.pos = start
		return memberValue, nil
	}

	switch r {
	case -1:
		if !c.endAtEOF {
			return 0, errSyntax
		}
		return memberClosed, nil
	case '}':
		return memberClosed, nil
	case '"':
		if err := s.quotedString(); err != nil {
			return 0, err
		}
	default:
		s.pos = start
		if err := s.unquotedString(); err != nil {
			return 0, err
		}
	}

	if err := s.skipWhitespaceAndComments(); err != nil {
		return 0, err
	}
	switch s.next() {
	case ';':
		return memberNone, nil // the key is also the value
	case '=':
		return memberValue, nil
	}
	return 0, errSyntax
}

// value reads one value. For '(' or '{' it returns the container opened.
func (s *openStepScan) value() (opened *container, isString bool, err error) {
	if err := s.skipWhitespaceAndComments(); err != nil {
		return nil, false, err
	}
	start := s.pos
	switch s.next() {
	case -1:
		// The parser returns an empty dictionary without recursing.
		return nil, false, errEmptyDictionary
	case '<':
		switch s.next() {
		case '*':
			return nil, false, s.gnustepTypedValue()
		case '[':
			return nil, false, s.gnustepBase64()
		}
		s.pos = start + 1
		return nil, false, s.hexData()
	case '"':
		return nil, true, s.quotedString()
	case '{':
		return &container{dictionary: true}, false, nil
	case '(':
		return &container{}, false, nil
	}
	s.pos = start
	return nil, true, s.unquotedString()
}

// quotedString reads the rest of a string after its opening quote and adds
// the cost of decoding its escape sequences to escapeWork.
func (s *openStepScan) quotedString() error {
	start := s.pos
	for {
		end := strings.IndexAny(s.text[s.pos:], `"\`)
		if end < 0 {
			return errSyntax
		}
		s.pos += end
		if s.text[s.pos] == '"' {
			s.pos++
			return nil
		}

		// The parser copies the string decoded so far, which is no
		// longer than the text read so far.
		s.escapeWork += int64(s.pos - start)
		if s.escapeWork > maxEscapeWork {
			return fmt.Errorf("OpenStep property list has quoted strings with escape sequences that would take more than %d MB of copying to decode, %w", maxEscapeWork>>20, ErrTooLarge)
		}
		s.pos++ // the backslash
		s.escapeSequence()
	}
}

// escapeSequence skips what the parser reads after a backslash. An
// unknown character after the backslash is read again as string content.
func (s *openStepScan) escapeSequence() {
	start := s.pos
	switch s.next() {
	case 'a', 'b', 'v', 'f', 't', 'r', 'n', '\\', '"':
	case 'x':
		s.skipDigits(2, isHexDigit)
	case 'u', 'U':
		s.skipDigits(4, isHexDigit)
	case '0', '1', '2', '3', '4', '5', '6', '7':
		s.pos = start
		s.skipDigits(3, func(r rune) bool { return r >= '0' && r <= '7' })
	default:
		s.pos = start
	}
}

func (s *openStepScan) skipDigits(limit int, isDigit func(rune) bool) {
	for range limit {
		if s.pos >= len(s.text) || !isDigit(rune(s.text[s.pos])) {
			return
		}
		s.pos++
	}
}

func (s *openStepScan) unquotedString() error {
	start := s.pos
	for {
		before := s.pos
		r := s.next()
		if r == -1 || !isUnquotedStringRune(r) {
			s.pos = before
			break
		}
	}
	if s.pos == start {
		return errSyntax
	}
	return nil
}

// gnustepTypedValue reads the rest of <*I...>, <*R...>, <*B...> or <*D...>
// after "<*". The value runs to the first '>', quotes included.
func (s *openStepScan) gnustepTypedValue() error {
	switch s.next() {
	case 'I', 'R', 'B', 'D':
	default:
		return errSyntax
	}
	if s.peek() == '"' {
		s.next()
	}
	end := strings.IndexByte(s.text[s.pos:], '>')
	if end <= 0 {
		return errSyntax // unterminated or empty
	}
	s.pos += end + 1
	return nil
}

// gnustepBase64 reads the rest of <[base64]> after "<[". The data runs to
// the first ']', quotes and brackets included.
func (s *openStepScan) gnustepBase64() error {
	end := strings.IndexByte(s.text[s.pos:], ']')
	if end < 0 {
		return errSyntax
	}
	s.pos += end + 1
	if s.next() != '>' {
		return errSyntax
	}
	return nil
}

// hexData reads the rest of <hex data> after '<'.
func (s *openStepScan) hexData() error {
	digits := 0
	for {
		r := s.next()
		switch {
		case r == '>':
			if digits%2 == 1 {
				return errSyntax
			}
			return nil
		case isHexDataSpace(r):
		case isHexDigit(r):
			digits++
		default:
			return errSyntax // includes the end of the text
		}
	}
}
