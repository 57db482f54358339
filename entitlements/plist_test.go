package entitlements

import (
	"reflect"
	"strings"
	"testing"

	"howett.net/plist"
)

const sandboxGroupXML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.app-sandbox</key>
	<true/>
	<key>com.apple.security.application-groups</key>
	<array>
		<string>$(TeamIdentifierPrefix)com.example.shared</string>
	</array>
</dict>
</plist>
`

func TestParsePlistFormats(t *testing.T) {
	xmlDict, err := ParsePlist([]byte(sandboxGroupXML))
	if err != nil {
		t.Fatal(err)
	}
	binary, err := plist.Marshal(map[string]any(xmlDict), plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	openStep := `{ "com.apple.security.app-sandbox" = <*BY>; "com.apple.security.application-groups" = ("$(TeamIdentifierPrefix)com.example.shared"); }`

	for name, data := range map[string][]byte{"xml": []byte(sandboxGroupXML), "binary": binary, "openstep": []byte(openStep)} {
		dict, err := ParsePlist(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !dict.Bool(KeyAppSandbox) {
			t.Errorf("%s: app-sandbox is not true: %#v", name, dict[KeyAppSandbox])
		}
		groups, ok := dict.Strings(KeyApplicationGroups)
		if !ok || len(groups) != 1 || groups[0] != "$(TeamIdentifierPrefix)com.example.shared" {
			t.Errorf("%s: groups = %v", name, groups)
		}
	}
}

func TestParsePlistRejectsNonDictionary(t *testing.T) {
	_, err := ParsePlist([]byte(`<plist version="1.0"><array><string>a</string></array></plist>`))
	if err == nil || !strings.Contains(err.Error(), "an array, not a dictionary") {
		t.Errorf("error = %v, want a top-level type error", err)
	}
}

func TestParsePlistRejectsGarbage(t *testing.T) {
	_, err := ParsePlist([]byte("<plist><dict><key>a</key>"))
	if err == nil || !strings.Contains(err.Error(), "invalid property list") {
		t.Errorf("error = %v, want an invalid property list error", err)
	}
}

func TestSubstitute(t *testing.T) {
	dict := Dict{
		KeyApplicationGroups:  []any{"$(TeamIdentifierPrefix)com.example.shared", "group.$(PRODUCT_BUNDLE_IDENTIFIER)"},
		"com.example.default": "$(PREFIX:default=com.example).App",
		"com.example.braces":  "${DEVELOPMENT_TEAM}.x",
		"com.example.plain":   "no placeholder $ here (really)",
		"com.example.open":    "$(UNTERMINATED",
		"com.example.nested":  map[string]any{"$(KEY_NAME)": true},
	}
	got, unresolved := dict.Substitute(map[string]string{"TeamIdentifierPrefix": "ABCDE12345.", "KEY_NAME": "resolved"})

	groups, _ := got.Strings(KeyApplicationGroups)
	if want := []string{"ABCDE12345.com.example.shared", "group.$(PRODUCT_BUNDLE_IDENTIFIER)"}; !reflect.DeepEqual(groups, want) {
		t.Errorf("groups = %v, want %v", groups, want)
	}
	if got["com.example.plain"] != "no placeholder $ here (really)" {
		t.Errorf("plain string changed to %q", got["com.example.plain"])
	}
	if got["com.example.open"] != "$(UNTERMINATED" {
		t.Errorf("unterminated placeholder changed to %q", got["com.example.open"])
	}
	nested := got["com.example.nested"].(map[string]any)
	if _, ok := nested["resolved"]; !ok {
		t.Errorf("nested key not substituted: %v", nested)
	}
	wantUnresolved := []string{"$(PREFIX:default=com.example)", "$(PRODUCT_BUNDLE_IDENTIFIER)", "${DEVELOPMENT_TEAM}"}
	if !reflect.DeepEqual(unresolved, wantUnresolved) {
		t.Errorf("unresolved = %v, want %v", unresolved, wantUnresolved)
	}
	if _, changed := dict[KeyApplicationGroups].([]any)[0].(string); !changed || dict[KeyApplicationGroups].([]any)[0] != "$(TeamIdentifierPrefix)com.example.shared" {
		t.Error("Substitute modified its receiver")
	}
}

func TestSubstituteModifierResolvesThroughName(t *testing.T) {
	got, unresolved := Dict{"k": "$(PREFIX:default=com.example).App"}.Substitute(map[string]string{"PREFIX": "org.other"})
	if got["k"] != "org.other.App" {
		t.Errorf("k = %q, want org.other.App", got["k"])
	}
	if len(unresolved) != 0 {
		t.Errorf("unresolved = %v, want none", unresolved)
	}
}

func TestEncodePlistRoundTrip(t *testing.T) {
	dict, err := ParsePlist([]byte(sandboxGroupXML))
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodePlist(dict)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParsePlist(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := CompareDicts(dict, again); len(diff) != 0 {
		t.Errorf("round trip differs: %v", diff)
	}
}
