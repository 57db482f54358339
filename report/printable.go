package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s made safe to print on a terminal or in Markdown, so
// text from a log, a path or an entitlement value cannot move the cursor,
// clear the screen or reorder the line. It replaces invalid UTF-8 with
// U+FFFD, escapes every control character except tab as \xNN and escapes
// every format character (Unicode category Cf) as \uNNNN. Format characters
// include the bidi embedding, override and isolate controls U+202A–U+202E
// and U+2066–U+2069, which can visually reorder a terminal line or a
// rendered Markdown line, so a path or log line could hide what follows it.
//
// Every text and Markdown writer uses it.
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) && r <= 0xff:
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			return true
		}
	}
	return false
}
