package entitlements

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
)

func TestIndentLevelsCountsNesting(t *testing.T) {
	d := Dict{"a": []any{"x", "y"}, "b": "z"}
	// "a" and "b" at level 1, "x" and "y" at level 2.
	if got := IndentLevels(d); got != 6 {
		t.Fatalf("IndentLevels = %d, want 6", got)
	}
}

// nestedArrays returns n arrays nested inside each other around "leaf".
func nestedArrays(n int) any {
	var value any = "leaf"
	for range n {
		value = []any{value}
	}
	return value
}

func TestDeepestPlistEncodes(t *testing.T) {
	// The XML scan counts every element, <plist> and the leaf <string>
	// included, so MaxDepth-3 arrays inside the top dictionary is the
	// deepest nesting every format accepts.
	d := Dict{"a": nestedArrays(plistcheck.MaxDepth - 3)}
	for _, format := range []int{plist.XMLFormat, plist.BinaryFormat, plist.OpenStepFormat} {
		data, err := plist.Marshal(map[string]any(d), format)
		if err != nil {
			t.Fatalf("format %d: Marshal: %v", format, err)
		}
		parsed, err := ParsePlist(data)
		if err != nil {
			t.Fatalf("format %d: ParsePlist: %v", format, err)
		}
		if _, err := json.MarshalIndent(parsed, "", "  "); err != nil {
			t.Errorf("format %d: JSON output: %v", format, err)
		}
		if _, err := EncodePlist(parsed); err != nil {
			t.Errorf("format %d: XML output: %v", format, err)
		}
	}
}

func TestTooDeepPlistRejected(t *testing.T) {
	text := fmt.Sprintf("{a=%sb%s;}", strings.Repeat("(", plistcheck.MaxDepth), strings.Repeat(")", plistcheck.MaxDepth))
	if _, err := ParsePlist([]byte(text)); !errors.Is(err, plistcheck.ErrTooDeep) {
		t.Fatalf("ParsePlist = %v, want ErrTooDeep", err)
	}
}

func TestHasNonXMLText(t *testing.T) {
	cases := map[string]struct {
		value any
		want  bool
	}{
		"plain":             {Dict{"a": "b"}, false},
		"tab and newlines":  {Dict{"a": "b\t\r\n"}, false},
		"replacement char":  {Dict{"a": "\uFFFD"}, false},
		"escape in value":   {Dict{"a": "b\x1b[31m"}, true},
		"NUL in key":        {Dict{"a\x00": "b"}, true},
		"invalid UTF-8":     {Dict{"a": []any{"\xff"}}, true},
		"noncharacter FFFE": {Dict{"a": Dict{"b": "\uFFFE"}}, true},
		"control in data":   {Dict{"a": []byte{0x1b}}, false},
	}
	for name, c := range cases {
		if got := HasNonXMLText(c.value); got != c.want {
			t.Errorf("%s: HasNonXMLText = %v, want %v", name, got, c.want)
		}
	}
}

func TestEncodePlistReplacesNonXMLText(t *testing.T) {
	// HasNonXMLText must match what the encoder changes.
	for _, s := range []string{"a\x1bb", "a\x00b", "\xff", "\uFFFE"} {
		data, err := EncodePlist(Dict{"k": s})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "\uFFFD") {
			t.Errorf("EncodePlist(%q) kept the text: %s", s, data)
		}
	}
}
