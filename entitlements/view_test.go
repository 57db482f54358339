package entitlements

import (
	"reflect"
	"strings"
	"testing"
)

func TestViewTypedFields(t *testing.T) {
	dict := Dict{
		KeyAppSandbox:        true,
		KeyApplicationGroups: []any{"ABCDE12345.com.example", "group.com.example"},
		KeyNetworkClient:     true,
		KeyNetworkServer:     false,
		KeyPrint:             true,
		KeyInherit:           true,
		TemporaryExceptionPrefix + "files.home-relative-path.read-write": []any{"/.docker/run/", "/Library/Caches/"},
		TemporaryExceptionPrefix + "sbpl":                                "(allow network-outbound (literal \"/private/var/run/usbmuxd\"))",
		TemporaryExceptionPrefix + "audio-unit-host":                     true,
		"com.apple.security.files.user-selected.read-write":              true,
		"com.apple.security.files.bookmarks.app-scope":                   true,
	}
	v := dict.View()

	if !v.Sandboxed || !v.NetworkClient || v.NetworkServer || !v.Print || !v.Inherit {
		t.Errorf("booleans = sandboxed %v client %v server %v print %v inherit %v", v.Sandboxed, v.NetworkClient, v.NetworkServer, v.Print, v.Inherit)
	}
	if want := []string{"ABCDE12345.com.example", "group.com.example"}; !reflect.DeepEqual(v.AppGroups, want) {
		t.Errorf("AppGroups = %v, want %v", v.AppGroups, want)
	}
	wantExceptions := []Exception{
		{Key: TemporaryExceptionPrefix + "audio-unit-host", Kind: "audio-unit-host"},
		{Key: TemporaryExceptionPrefix + "files.home-relative-path.read-write", Kind: "files.home-relative-path.read-write", Values: []string{"/.docker/run/", "/Library/Caches/"}},
		{Key: TemporaryExceptionPrefix + "sbpl", Kind: "sbpl", Values: []string{"(allow network-outbound (literal \"/private/var/run/usbmuxd\"))"}},
	}
	if !reflect.DeepEqual(v.Exceptions, wantExceptions) {
		t.Errorf("Exceptions = %#v\nwant %#v", v.Exceptions, wantExceptions)
	}
	if !v.Exceptions[1].FileException() || v.Exceptions[2].FileException() {
		t.Error("FileException misclassifies files.* and sbpl")
	}
	if want := []string{"com.apple.security.files.user-selected.read-write"}; !reflect.DeepEqual(v.UserSelected, want) {
		t.Errorf("UserSelected = %v", v.UserSelected)
	}
	if want := []string{"com.apple.security.files.bookmarks.app-scope"}; !reflect.DeepEqual(v.Bookmarks, want) {
		t.Errorf("Bookmarks = %v", v.Bookmarks)
	}
	if len(v.TypeProblems) != 0 {
		t.Errorf("TypeProblems = %v, want none", v.TypeProblems)
	}
}

func TestViewTypeProblems(t *testing.T) {
	dict := Dict{
		KeyAppSandbox:        "YES",
		KeyApplicationGroups: "ABCDE12345.com.example",
		KeyNetworkClient:     uint64(1),
		TemporaryExceptionPrefix + "mach-lookup.global-name":       []any{"com.example.a", true},
		TemporaryExceptionPrefix + "files.absolute-path.read-only": map[string]any{},
	}
	v := dict.View()

	if v.Sandboxed {
		t.Error("a string app-sandbox value reads as sandboxed")
	}
	if want := []string{"ABCDE12345.com.example"}; !reflect.DeepEqual(v.AppGroups, want) {
		t.Errorf("AppGroups = %v, want the single string kept", v.AppGroups)
	}
	problems := strings.Join(v.TypeProblems, "\n")
	for _, want := range []string{
		KeyAppSandbox + ": is a string, expected a boolean",
		KeyApplicationGroups + ": is a string, expected an array of strings",
		KeyNetworkClient + ": is an integer, expected a boolean",
		"mach-lookup.global-name: array holds a non-string item",
		"files.absolute-path.read-only: is a dictionary, expected a string or an array of strings",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("TypeProblems lack %q:\n%s", want, problems)
		}
	}
}

func TestViewEmpty(t *testing.T) {
	v := Dict{}.View()
	if v.Sandboxed || v.AppGroups != nil || v.Exceptions != nil || v.TypeProblems != nil {
		t.Errorf("empty dictionary view = %+v", v)
	}
}
