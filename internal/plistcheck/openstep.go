package plistcheck

import (
	"encoding/binary"
	"fmt"
)

// codeUnits is the text of an OpenStep property list as 8-bit or UTF-16
// code units. Only ASCII punctuation matters to the scan, so UTF-16
// surrogate pairs need no decoding.
type codeUnits struct {
	data  []byte
	order binary.ByteOrder // nil for 8-bit text
}

// newCodeUnits guesses the encoding the way howett.net/plist v1.0.1 does:
// a UTF-8 or UTF-16 byte order mark, else a zero byte in the first two
// bytes for UTF-16, else 8-bit text.
func newCodeUnits(data []byte) codeUnits {
	switch {
	case len(data) >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf:
		return codeUnits{data: data[3:]}
	case len(data) < 2:
		return codeUnits{data: data}
	case data[0] == 0xfe && data[1] == 0xff:
		return codeUnits{data: data[2:], order: binary.BigEndian}
	case data[0] == 0 && data[1] != 0:
		return codeUnits{data: data, order: binary.BigEndian}
	case data[0] == 0xff && data[1] == 0xfe:
		return codeUnits{data: data[2:], order: binary.LittleEndian}
	case data[0] != 0 && data[1] == 0:
		return codeUnits{data: data, order: binary.LittleEndian}
	}
	return codeUnits{data: data}
}

func (c codeUnits) len() int {
	if c.order == nil {
		return len(c.data)
	}
	return len(c.data) / 2
}

func (c codeUnits) at(i int) uint16 {
	if c.order == nil {
		return uint16(c.data[i])
	}
	return c.order.Uint16(c.data[2*i:])
}

// maxEscapeWork bounds the escape sequences times the length of one quoted
// string. howett.net/plist v1.0.1 appends to the decoded string once per
// escape sequence, copying what it has so far, so its time grows with that
// product: 1<<26 is about 64 MB of copying, tens of milliseconds.
const maxEscapeWork = 1 << 26

// scanState is the kind of text the OpenStep scan is in: a value, a quoted
// string or a comment.
type scanState int

const (
	inValue scanState = iota
	inQuotedString
	inLineComment
	inBlockComment
)

// checkOpenStep tracks the bracket depth of an OpenStep or GNUstep
// property list outside quoted strings.
//
// The scan errs towards a higher depth than the parser reaches: inside
// comments it counts opening brackets but not closing ones, so a comment
// the parser reads differently can only make the check stricter.
func checkOpenStep(data []byte) error {
	text := newCodeUnits(data)
	state := inValue
	depth := 0
	stringStart, escapes := 0, 0
	for i := 0; i < text.len(); i++ {
		unit := text.at(i)
		var next uint16
		if i+1 < text.len() {
			next = text.at(i + 1)
		}

		switch state {
		case inQuotedString:
			switch unit {
			case '\\':
				escapes++
				i++ // the escaped unit cannot end the string
			case '"':
				state = inValue
				if err := checkEscapes(escapes, i-stringStart); err != nil {
					return err
				}
			}
			continue
		case inLineComment:
			if unit == '\n' || unit == '\r' {
				state = inValue
			}
		case inBlockComment:
			if unit == '*' && next == '/' {
				state = inValue
				i++
				continue
			}
		case inValue:
			switch {
			case unit == '"':
				state = inQuotedString
				stringStart, escapes = i, 0
				continue
			case unit == '/' && next == '/':
				state = inLineComment
				i++
				continue
			case unit == '/' && next == '*':
				state = inBlockComment
				i++
				continue
			case unit == ')' || unit == '}':
				if depth > 0 {
					depth--
				}
				continue
			}
		}

		if unit == '(' || unit == '{' {
			depth++
			if depth > MaxDepth {
				return fmt.Errorf("OpenStep property list is %w", ErrTooDeep)
			}
		}
	}
	if state == inQuotedString {
		// The parser decodes an unterminated string up to the end too.
		return checkEscapes(escapes, text.len()-stringStart)
	}
	return nil
}

// checkEscapes rejects a quoted string of length code units with escapes
// escape sequences when decoding it would pass maxEscapeWork.
func checkEscapes(escapes, length int) error {
	if int64(escapes)*int64(length) > maxEscapeWork {
		return fmt.Errorf("OpenStep property list has a quoted string of %d characters with %d escape sequences, %w", length, escapes, ErrTooLarge)
	}
	return nil
}
