package entitlements

import "unicode/utf8"

// IndentLevels returns the number of indentation strings an indented
// encoding of value prints, XML property list or JSON: every array element
// and dictionary entry is indented once per container around it. Printed
// output grows with this count times the indent width, so a wide list of
// values nested 128 levels deep prints far more bytes than its input.
func IndentLevels(value any) int64 {
	return indentLevels(value, 0)
}

func indentLevels(value any, depth int64) int64 {
	var total int64
	switch v := value.(type) {
	case Dict:
		return indentLevels(map[string]any(v), depth)
	case map[string]any:
		for _, item := range v {
			total += depth + 1 + indentLevels(item, depth+1)
		}
	case []any:
		for _, item := range v {
			total += depth + 1 + indentLevels(item, depth+1)
		}
	}
	return total
}

// HasNonXMLText reports whether a key or string in value contains invalid
// UTF-8 or a character XML 1.0 cannot carry: a C0 control character other
// than tab, line feed and carriage return, U+FFFE or U+FFFF. EncodePlist
// writes each of those as U+FFFD, so its output differs from value.
func HasNonXMLText(value any) bool {
	switch v := value.(type) {
	case string:
		return !isXMLText(v)
	case Dict:
		return HasNonXMLText(map[string]any(v))
	case map[string]any:
		for key, item := range v {
			if !isXMLText(key) || HasNonXMLText(item) {
				return true
			}
		}
	case []any:
		for _, item := range v {
			if HasNonXMLText(item) {
				return true
			}
		}
	}
	return false
}

func isXMLText(s string) bool {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, width := utf8.DecodeRuneInString(s[i:]); width == 1 {
				return false
			}
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			return false
		case r == 0xfffe || r == 0xffff:
			return false
		}
	}
	return true
}
