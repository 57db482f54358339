package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// KeyLine is the position of a top-level key of an XML property list.
type KeyLine struct {
	// Line is the 1-based line of the <key> element.
	Line int
	// ValueLines maps each string value of the key (a <string> right after
	// it, or one inside the <array> after it) to the line of its first
	// occurrence.
	ValueLines map[string]int
}

// ErrNotXMLPlist is returned by PlistKeyLines for binary and OpenStep
// property lists, which have no lines to point at.
var ErrNotXMLPlist = errors.New("not an XML property list")

// maxPlistDepth bounds element nesting; entitlements nest three or four
// levels, and the bound keeps crafted input from costing unbounded memory.
const maxPlistDepth = 64

// PlistKeyLines finds the line of every top-level key of an XML property
// list and of the strings it holds, so findings can point at the line of
// the offending key. howett.net/plist decodes values but keeps no
// positions, so this is a second, position-aware pass with encoding/xml.
func PlistKeyLines(data []byte) (map[string]KeyLine, error) {
	if bytes.HasPrefix(data, []byte("bplist")) || !bytes.Contains(data, []byte("<dict")) {
		return nil, ErrNotXMLPlist
	}

	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	lines := map[string]KeyLine{}

	var (
		depth      int
		topDepth   int    // depth of the top-level <dict>, 0 until seen
		currentKey string // the top-level key whose value is being read
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("invalid XML property list: %w", err)
		}

		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxPlistDepth {
				return nil, fmt.Errorf("invalid XML property list: elements nested more than %d levels", maxPlistDepth)
			}
			line, _ := dec.InputPos()
			switch {
			case el.Name.Local == "dict" && topDepth == 0:
				topDepth = depth

			case el.Name.Local == "key" && topDepth > 0 && depth == topDepth+1:
				text, err := elementText(dec)
				if err != nil {
					return nil, err
				}
				depth--
				currentKey = text
				if _, seen := lines[text]; !seen {
					lines[text] = KeyLine{Line: line, ValueLines: map[string]int{}}
				}

			case el.Name.Local == "string" && currentKey != "" && (depth == topDepth+1 || depth == topDepth+2):
				text, err := elementText(dec)
				if err != nil {
					return nil, err
				}
				depth--
				if _, seen := lines[currentKey].ValueLines[text]; !seen {
					lines[currentKey].ValueLines[text] = line
				}
			}

		case xml.EndElement:
			depth--
			if depth < topDepth {
				topDepth = -1 // the top-level dictionary ended; ignore the rest
			}
		}
	}
	if topDepth == 0 {
		return nil, ErrNotXMLPlist
	}
	return lines, nil
}

// elementText reads the character data of the element just opened, up to
// its end tag.
func elementText(dec *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("invalid XML property list: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", fmt.Errorf("invalid XML property list: <%s> inside a text element", t.Name.Local)
		}
	}
}
