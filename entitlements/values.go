package entitlements

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// equalValues compares two entitlement values across the XML and DER
// decoders: integers compare by value whatever their Go type.
func equalValues(a, b any) bool {
	if x, ok := integerValue(a); ok {
		y, ok := integerValue(b)
		return ok && x == y
	}
	switch x := a.(type) {
	case bool, string, float64:
		return a == b
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		return equalMaps(x, b)
	case Dict:
		return equalMaps(x, b)
	}
	return false
}

func equalMaps(x map[string]any, b any) bool {
	var y map[string]any
	switch v := b.(type) {
	case map[string]any:
		y = v
	case Dict:
		y = v
	default:
		return false
	}
	if len(x) != len(y) {
		return false
	}
	for k, xv := range x {
		yv, ok := y[k]
		if !ok || !equalValues(xv, yv) {
			return false
		}
	}
	return true
}

// integerValue returns v as a decimal string when it is an integer of any
// Go type, so uint64 and int64 values compare without overflow.
func integerValue(v any) (string, bool) {
	switch n := v.(type) {
	case uint64:
		return strconv.FormatUint(n, 10), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case int:
		return strconv.Itoa(n), true
	}
	return "", false
}

// formatValue renders a value compactly for messages: strings quoted,
// arrays in brackets, dictionaries with sorted keys.
func formatValue(v any) string {
	if n, ok := integerValue(v); ok {
		return n
	}
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case []byte:
		return "<data " + base64.StdEncoding.EncodeToString(x) + ">"
	case []any:
		items := make([]string, len(x))
		for i, item := range x {
			items[i] = formatValue(item)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case map[string]any:
		return formatMap(x)
	case Dict:
		return formatMap(x)
	}
	return fmt.Sprintf("%v", v)
}

func formatMap(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	items := make([]string, len(keys))
	for i, k := range keys {
		items[i] = strconv.Quote(k) + ": " + formatValue(m[k])
	}
	return "{" + strings.Join(items, ", ") + "}"
}
