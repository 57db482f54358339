package plistcheck

import (
	"errors"
	"strings"
	"testing"

	"howett.net/plist"
)

// openStepBypasses are array elements after which a naive bracket counter
// believes it is inside a quoted string or comment while the parser is not,
// so brackets that follow them nest inside the enclosing "(".
var openStepBypasses = map[string]string{
	"typed value ending in a quote":  `<*I5">,`,
	"base64 data holding a quote":    `<["]>,`,
	"block comment in unquoted text": `x/*,"*/",`,
	"line comment in unquoted text":  "x//,\"\n\",",
}

func TestOpenStepCountsBracketsAfterBypass(t *testing.T) {
	for name, prefix := range openStepBypasses {
		data := []byte("{a=(" + prefix + strings.Repeat("(", 1000) + ");}")
		if err := Check(data); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: Check = %v, want ErrTooDeep", name, err)
		}
	}
}

func TestOpenStepBypassesParse(t *testing.T) {
	// The prefixes must be valid for the parser, or the bypass tests above
	// would pass for the wrong reason.
	for name, prefix := range openStepBypasses {
		data := []byte("{a=(" + prefix + "(b));}")
		var value any
		if _, err := plist.Unmarshal(data, &value); err != nil {
			t.Errorf("%s: decoder rejects %q: %v", name, data, err)
		}
		depth, err := openStepDepth(data)
		if err != nil || depth != 3 {
			t.Errorf("%s: openStepDepth = %d, %v, want 3", name, depth, err)
		}
	}
}

func TestOpenStepIgnoresQuotedBrackets(t *testing.T) {
	inputs := map[string]string{
		"quoted string":  `{a = ("((((", "\"(((");}`,
		"escaped quote":  `{a = "\\" ; b = "(((";}`,
		"block comment":  `{a = (/* (((( */ b);}`,
		"line comment":   "{a = ( // ((((\n b);}",
		"hex data":       `{a = <0fab cd>;}`,
		"typed value":    `{a = <*I5>; b = <*D2020-01-01 00:00:00 +0000>;}`,
		"strings file":   `"a" = "((("; "b" = "c";`,
		"octal escape":   `{a = "\101\"(((";}`,
		"comment at end": `{a = b;} /* ((( */`,
	}
	for name, text := range inputs {
		depth, err := openStepDepth([]byte(text))
		if err != nil || depth > 2 {
			t.Errorf("%s: openStepDepth = %d, %v, want at most 2", name, depth, err)
		}
	}
}

func TestOpenStepCountsStringsFileDictionary(t *testing.T) {
	data := []byte(`"a" = (("b")); "c" = d;`)
	depth, err := openStepDepth(data)
	if err != nil || depth != 3 {
		t.Fatalf("openStepDepth = %d, %v, want 3", depth, err)
	}
}

func TestOpenStepEscapeBudgetPerInput(t *testing.T) {
	// Each string alone stays under the budget, but together they pass it.
	perString := strings.Repeat(`\n`, 2000)
	var text strings.Builder
	text.WriteString("(")
	for range 40 {
		text.WriteString(`"` + perString + `",`)
	}
	text.WriteString(")")

	one := []byte(`("` + perString + `")`)
	if err := Check(one); err != nil {
		t.Fatalf("one string: Check = %v, want nil", err)
	}
	if err := Check([]byte(text.String())); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("40 strings: Check = %v, want ErrTooLarge", err)
	}
}

// valueDepth returns the nesting depth of arrays and dictionaries in a
// decoded property list value.
func valueDepth(value any) int {
	deepest := 0
	switch v := value.(type) {
	case []any:
		for _, element := range v {
			deepest = max(deepest, valueDepth(element))
		}
		return deepest + 1
	case map[string]any:
		for _, element := range v {
			deepest = max(deepest, valueDepth(element))
		}
		return deepest + 1
	}
	return 0
}

// FuzzOpenStepDepth checks that the scan's depth is never below the depth
// the parser decodes. Inputs are small, so the parser's recursion is safe.
func FuzzOpenStepDepth(f *testing.F) {
	for _, prefix := range openStepBypasses {
		f.Add([]byte("{a=(" + prefix + "((b)));}"))
	}
	f.Add([]byte(`"a" = (("b")); "c" = d;`))
	f.Add([]byte(`{a = (<0f>, <[AA==]>, "x\"(", /* ( */ y); b = {c = d;};}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		parsedAsXML, err := checkXML(data)
		if err != nil || parsedAsXML {
			return
		}
		bound, err := openStepDepth(data)
		if err != nil {
			return
		}
		var value any
		format, err := plist.Unmarshal(data, &value)
		if err != nil || (format != plist.OpenStepFormat && format != plist.GNUStepFormat) {
			return
		}
		if depth := valueDepth(value); depth > bound {
			t.Fatalf("openStepDepth(%q) = %d, decoded depth %d", data, bound, depth)
		}
	})
}

func BenchmarkCheckOpenStep(b *testing.B) {
	entry := `key = ( "value with \"escapes\"", unquoted, <0fab>, /* comment */ { a = b; } );` + "\n"
	data := []byte("{\n" + strings.Repeat(entry, (1<<20)/len(entry)) + "}")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := Check(data); err != nil {
			b.Fatal(err)
		}
	}
}
