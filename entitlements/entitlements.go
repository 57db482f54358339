// Package entitlements reads the entitlements of a macOS app from every input
// a developer has: plist source files, Mach-O code signatures, bundles and
// provisioning profiles.
package entitlements

import (
	"sort"
)

// Dict is an entitlements dictionary as decoded from a plist or a DER blob.
// Values are bool, string, uint64, int64, float64, []byte, time.Time, []any
// or map[string]any, as howett.net/plist decodes them.
type Dict map[string]any

// Well-known entitlement keys the rules depend on.
const (
	KeyAppSandbox        = "com.apple.security.app-sandbox"
	KeyApplicationGroups = "com.apple.security.application-groups"
	KeyNetworkClient     = "com.apple.security.network.client"
	KeyNetworkServer     = "com.apple.security.network.server"
	KeyPrint             = "com.apple.security.print"
	KeyInherit           = "com.apple.security.inherit"
	KeyTeamIdentifier    = "com.apple.developer.team-identifier"
	KeyApplicationID     = "com.apple.application-identifier"

	// TemporaryExceptionPrefix starts every temporary exception key.
	TemporaryExceptionPrefix = "com.apple.security.temporary-exception."
	// KeySBPL is the undocumented exception whose strings are evaluated as
	// sandbox profile (SBPL) text after the built-in rules.
	KeySBPL = TemporaryExceptionPrefix + "sbpl"
)

// Keys returns the dictionary's keys in sorted order.
func (d Dict) Keys() []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Bool reports whether key is present with the boolean value true.
func (d Dict) Bool(key string) bool {
	v, ok := d[key].(bool)
	return ok && v
}

// Strings returns the string values of key, which may hold one string or an
// array of strings. ok is false when the key is absent or holds another type.
func (d Dict) Strings(key string) (values []string, ok bool) {
	switch v := d[key].(type) {
	case string:
		return []string{v}, true
	case []any:
		values = make([]string, 0, len(v))
		for _, item := range v {
			s, isString := item.(string)
			if !isString {
				return nil, false
			}
			values = append(values, s)
		}
		return values, true
	default:
		return nil, false
	}
}
