package entitlements

import (
	"fmt"
	"strings"
)

// View is the typed reading of an entitlements dictionary that the rules
// use. Keys with an unexpected type are left out of the typed fields and
// listed in TypeProblems.
type View struct {
	Sandboxed     bool // com.apple.security.app-sandbox is true
	AppGroups     []string
	NetworkClient bool
	NetworkServer bool
	Print         bool
	Inherit       bool

	// Exceptions lists every temporary exception, sorted by key.
	Exceptions []Exception
	// UserSelected lists the com.apple.security.files.user-selected.* keys
	// present, sorted.
	UserSelected []string
	// Bookmarks lists the com.apple.security.files.bookmarks.* keys
	// present, sorted.
	Bookmarks []string

	// TypeProblems describes keys whose value has the wrong type, e.g. a
	// string where a boolean or an array is expected.
	TypeProblems []string
}

// Exception is one temporary exception entitlement.
type Exception struct {
	Key string
	// Kind is the key without the temporary exception prefix, e.g.
	// "files.home-relative-path.read-write", "mach-lookup.global-name" or
	// "sbpl".
	Kind string
	// Values are the paths, names or SBPL strings the exception lists. A
	// boolean exception (e.g. "audio-unit-host") has none.
	Values []string
}

// FileException reports whether the exception is a files.* one: a path
// exception for file access.
func (e Exception) FileException() bool {
	return strings.HasPrefix(e.Kind, "files.")
}

// Prefixes of the file access keys App Sandbox documents.
const (
	userSelectedPrefix = "com.apple.security.files.user-selected."
	bookmarksPrefix    = "com.apple.security.files.bookmarks."
)

// View returns the typed reading of d.
func (d Dict) View() View {
	var v View
	v.Sandboxed = d.viewBool(&v, KeyAppSandbox)
	v.NetworkClient = d.viewBool(&v, KeyNetworkClient)
	v.NetworkServer = d.viewBool(&v, KeyNetworkServer)
	v.Print = d.viewBool(&v, KeyPrint)
	v.Inherit = d.viewBool(&v, KeyInherit)

	if _, present := d[KeyApplicationGroups]; present {
		switch groups := d[KeyApplicationGroups].(type) {
		case []any:
			values, ok := d.Strings(KeyApplicationGroups)
			if ok {
				v.AppGroups = values
			} else {
				v.TypeProblems = append(v.TypeProblems, fmt.Sprintf("%s: array holds a non-string item", KeyApplicationGroups))
			}
		case string:
			v.AppGroups = []string{groups}
			v.TypeProblems = append(v.TypeProblems, fmt.Sprintf("%s: is a string, expected an array of strings", KeyApplicationGroups))
		default:
			v.TypeProblems = append(v.TypeProblems, fmt.Sprintf("%s: is %s, expected an array of strings", KeyApplicationGroups, typeName(groups)))
		}
	}

	for _, key := range d.Keys() {
		switch {
		case strings.HasPrefix(key, TemporaryExceptionPrefix):
			v.Exceptions = append(v.Exceptions, d.exception(&v, key))
		case strings.HasPrefix(key, userSelectedPrefix):
			v.UserSelected = append(v.UserSelected, key)
		case strings.HasPrefix(key, bookmarksPrefix):
			v.Bookmarks = append(v.Bookmarks, key)
		}
	}
	return v
}

// viewBool returns the boolean value of key, recording a type problem when
// the key holds something else.
func (d Dict) viewBool(v *View, key string) bool {
	value, present := d[key]
	if !present {
		return false
	}
	b, ok := value.(bool)
	if !ok {
		v.TypeProblems = append(v.TypeProblems, fmt.Sprintf("%s: is %s, expected a boolean", key, typeName(value)))
		return false
	}
	return b
}

// exception reads one temporary exception. Path and name exceptions hold a
// string or an array of strings, and some exceptions are plain booleans.
func (d Dict) exception(v *View, key string) Exception {
	e := Exception{Key: key, Kind: strings.TrimPrefix(key, TemporaryExceptionPrefix)}
	switch value := d[key].(type) {
	case bool:
	case string:
		e.Values = []string{value}
	case []any:
		values, ok := d.Strings(key)
		if !ok {
			v.TypeProblems = append(v.TypeProblems, fmt.Sprintf("%s: array holds a non-string item", key))
			break
		}
		e.Values = values
	default:
		v.TypeProblems = append(v.TypeProblems, fmt.Sprintf("%s: is %s, expected a string or an array of strings", key, typeName(value)))
	}
	return e
}
