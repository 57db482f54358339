package entitlements

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"howett.net/plist"

	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
)

// ParsePlist decodes an entitlements property list in XML, binary or
// OpenStep format. The top level must be a dictionary.
func ParsePlist(data []byte) (Dict, error) {
	if err := plistcheck.Check(data); err != nil {
		return nil, err
	}
	var top any
	if _, err := plist.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("invalid property list: %w", err)
	}
	dict, ok := top.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("invalid entitlements: the property list's top level is %s, not a dictionary", typeName(top))
	}
	return Dict(dict), nil
}

// EncodePlist returns d as an XML property list, indented with tabs the way
// Xcode writes entitlements files.
func EncodePlist(d Dict) ([]byte, error) {
	if d == nil {
		d = Dict{}
	}
	return plist.MarshalIndent(map[string]any(d), plist.XMLFormat, "\t")
}

// Substitute replaces Xcode build-setting placeholders such as
// $(TeamIdentifierPrefix) or ${PRODUCT_NAME} in every string value and
// key with the values in vars. It returns a substituted copy and the
// placeholders it could not resolve, sorted and without duplicates. A
// placeholder with a modifier, $(NAME:default=x), resolves through NAME
// only: the default is the build system's choice, so it stays visible.
func (d Dict) Substitute(vars map[string]string) (Dict, []string) {
	unresolved := map[string]bool{}
	out := substituteValue(map[string]any(d), vars, unresolved).(map[string]any)

	names := make([]string, 0, len(unresolved))
	for name := range unresolved {
		names = append(names, name)
	}
	sort.Strings(names)
	return Dict(out), names
}

func substituteValue(value any, vars map[string]string, unresolved map[string]bool) any {
	switch v := value.(type) {
	case string:
		return substituteString(v, vars, unresolved)
	case []any:
		items := make([]any, len(v))
		for i, item := range v {
			items[i] = substituteValue(item, vars, unresolved)
		}
		return items
	case map[string]any:
		dict := make(map[string]any, len(v))
		for key, item := range v {
			dict[substituteString(key, vars, unresolved)] = substituteValue(item, vars, unresolved)
		}
		return dict
	case Dict:
		return substituteValue(map[string]any(v), vars, unresolved)
	}
	return value
}

// substituteString expands the placeholders of s. Parentheses and braces
// may nest, as in $(A_$(B)); an unterminated placeholder is left as text.
func substituteString(s string, vars map[string]string, unresolved map[string]bool) string {
	if !strings.Contains(s, "$(") && !strings.Contains(s, "${") {
		return s
	}
	closers := matchBrackets(s)
	var out strings.Builder
	for i := 0; i < len(s); {
		end := placeholderEnd(s, i, closers)
		if end < 0 {
			out.WriteByte(s[i])
			i++
			continue
		}
		placeholder := s[i:end]
		name := placeholder[2 : len(placeholder)-1]
		if colon := strings.IndexByte(name, ':'); colon >= 0 {
			name = name[:colon]
		}
		if value, ok := vars[name]; ok {
			out.WriteString(value)
		} else {
			unresolved[placeholder] = true
			out.WriteString(placeholder)
		}
		i = end
	}
	return out.String()
}

// matchBrackets returns, for each '(' and '{' in s, the index of the
// bracket that closes it, and -1 for every other byte and for unclosed
// brackets. Parentheses and braces are matched independently, so "$(a}"
// still ends at its ')'. One pass with a stack per bracket kind keeps
// substitution linear in the length of s.
func matchBrackets(s string) []int {
	closers := make([]int, len(s))
	var parens, braces []int
	for i := 0; i < len(s); i++ {
		closers[i] = -1
		switch s[i] {
		case '(':
			parens = append(parens, i)
		case '{':
			braces = append(braces, i)
		case ')':
			if len(parens) > 0 {
				closers[parens[len(parens)-1]] = i
				parens = parens[:len(parens)-1]
			}
		case '}':
			if len(braces) > 0 {
				closers[braces[len(braces)-1]] = i
				braces = braces[:len(braces)-1]
			}
		}
	}
	return closers
}

// placeholderEnd returns the index just past the placeholder that starts at
// s[start], or -1 when no complete placeholder starts there. closers comes
// from matchBrackets(s).
func placeholderEnd(s string, start int, closers []int) int {
	if start+1 >= len(s) || s[start] != '$' || (s[start+1] != '(' && s[start+1] != '{') {
		return -1
	}
	closing := closers[start+1]
	if closing < 0 || closing == start+2 {
		return -1 // unterminated, or "$()" that names nothing
	}
	return closing + 1
}

// Placeholders returns the placeholders present in d's keys and string
// values, sorted and without duplicates.
func (d Dict) Placeholders() []string {
	_, names := d.Substitute(nil)
	return names
}

func typeName(value any) string {
	switch value.(type) {
	case nil:
		return "empty"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any, Dict:
		return "a dictionary"
	case []byte:
		return "data"
	case uint64, int64, int:
		return "an integer"
	case float64:
		return "a real number"
	}
	return fmt.Sprintf("a %T", value)
}

var errEmptyInput = errors.New("the file is empty")
