package report

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Redact replaces the home folder with "~" and the user name with "user" in
// s, so a report can be pasted into a public ticket. The home folder is
// replaced in its given and its macOS (/private) form. The user name is
// replaced only where it is a whole word, so a short name such as
// "al" leaves "also" alone.
//
// Redact works on plain values: the Markdown writers call it before they
// escape a value, because escaping changes characters such as "_".
func Redact(s, home, user string) string {
	raw := strings.TrimRight(home, "/")
	if home = strings.TrimSuffix(filepath.Clean(home), "/"); home != "" && home != "." && home != "/" {
		forms := homeForms(home)
		if raw != home && strings.HasPrefix(raw, "/") {
			// A symlink target keeps its own spelling, such as
			// "sub/./real", in the report's symlink lines.
			forms = append(homeForms(raw), forms...)
		}
		for _, h := range forms {
			s = replaceWhole(s, h, "~")
		}
	}
	if user != "" && user != "user" {
		s = replaceWhole(s, user, "user")
	}
	return s
}

// RedactHomes redacts like Redact for each folder in homes, longest first,
// and then any other macOS home folder: /Users/NAME and whatever path leads
// to it, such as a home folder copied under /tmp to model a Mac, becomes "~".
// /Users/Shared, the folder every account shares, is kept.
func RedactHomes(s string, homes []string, user string) string {
	sorted := append([]string(nil), homes...)
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, home := range sorted {
		s = Redact(s, home, "")
	}

	s = usersHome.ReplaceAllStringFunc(s, func(match string) string {
		// A name may contain dots, but a final one ends the sentence.
		trimmed := strings.TrimRight(match, ".")
		if sharedHome.MatchString(trimmed) {
			return match
		}
		return "~" + match[len(trimmed):]
	})
	return Redact(s, "", user)
}

// usersHome matches a path up to and including /Users/NAME, in any letter
// case and with repeated slashes, because the default APFS volume ignores
// case and the kernel collapses "//". Path components stop at white space,
// quotes, backticks and brackets, which surround paths in the reports.
var usersHome = regexp.MustCompile("(?i)(?:/+[^/\\s\"'`()<>\\[\\]]+)*?/+Users/+[^/\\s\"'`()<>\\[\\]]+")

// sharedHome matches the end of a usersHome match that is /Users/Shared.
var sharedHome = regexp.MustCompile(`(?i)/+Users/+Shared$`)

// homeForms returns home and its /private form, longest first, so that
// /private/tmp/home is replaced before /tmp/home.
func homeForms(home string) []string {
	forms := []string{home}
	for _, root := range []string{"/tmp", "/var", "/etc"} {
		if home == root || strings.HasPrefix(home, root+"/") {
			forms = []string{"/private" + home, home}
		}
	}
	if rest, ok := strings.CutPrefix(home, "/private"); ok && rest != "" {
		forms = append(forms, rest)
	}
	return forms
}

// replaceWhole replaces each match of old that is not part of a longer name:
// the bytes on both sides of the match must not continue it.
func replaceWhole(s, old, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if continuesBefore(s, i) || continuesAfter(s, end) {
			b.WriteString(s[:end])
			s = s[end:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(with)
		s = s[end:]
	}
}

// continuesBefore reports whether the byte before s[i] belongs to the same
// name, so a match at i is only part of a longer name.
func continuesBefore(s string, i int) bool {
	if i == 0 || !isNameByte(s[i-1]) {
		return false
	}
	// A dot ends a sentence or a path extension more often than it joins
	// two parts of a name, so it joins only between two name bytes.
	return s[i-1] != '.' || i >= 2 && isNameByte(s[i-2]) && s[i-2] != '.'
}

// continuesAfter reports whether s[end] continues the name that ends there.
func continuesAfter(s string, end int) bool {
	if end >= len(s) || !isNameByte(s[end]) {
		return false
	}
	return s[end] != '.' || end+1 < len(s) && isNameByte(s[end+1]) && s[end+1] != '.'
}

// isNameByte reports whether c can be part of a user name or a path
// component name.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c >= 0x80
}
