package entitlements

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestDERRoundTrip(t *testing.T) {
	dict := Dict{
		KeyAppSandbox:        true,
		KeyNetworkClient:     false,
		KeyApplicationGroups: []any{"ABCDE12345.group", "group.com.example"},
		"com.example.count":  uint64(42),
		"com.example.nested": map[string]any{"inner": "value", "flag": true},
		"com.example.empty":  []any{},
	}
	der, err := EncodeDER(dict)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := DecodeDER(der)
	if err != nil {
		t.Fatal(err)
	}
	if diff := CompareDicts(dict, decoded); len(diff) != 0 {
		t.Errorf("round trip differs: %v", diff)
	}
}

func TestEncodeDERMatchesCodesign(t *testing.T) {
	// The DER blob codesign wrote for a sandboxed app with one user-selected
	// file entitlement (Sparkle's DevSignedApp test app).
	want, _ := hex.DecodeString("7061020101b05c30230c1e636f6d2e6170706c652e73656375726974792e6170702d73616e64626f780101ff30350c30636f6d2e6170706c652e73656375726974792e66696c65732e757365722d73656c65637465642e726561642d6f6e6c790101ff")
	got, err := EncodeDER(Dict{KeyAppSandbox: true, "com.apple.security.files.user-selected.read-only": true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("EncodeDER =\n%x\nwant\n%x", got, want)
	}
}

func TestDecodeDERLegacyShape(t *testing.T) {
	// A bare SET, keys unsorted, true as 0x01, as in Node 18.9.0.
	legacy, _ := hex.DecodeString("3128" +
		"30120c0d636f6d2e6578616d706c652e62" + "010101" +
		"30120c0d636f6d2e6578616d706c652e61" + "010100")
	dict, err := DecodeDER(legacy)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := dict["com.example.b"].(bool); !ok || !v {
		t.Errorf("com.example.b = %#v, want true", dict["com.example.b"])
	}
	if v, ok := dict["com.example.a"].(bool); !ok || v {
		t.Errorf("com.example.a = %#v, want false", dict["com.example.a"])
	}
}

func TestDecodeDEREmptyDictionary(t *testing.T) {
	dict, err := DecodeDER([]byte{0x70, 0x05, 0x02, 0x01, 0x01, 0xb0, 0x00})
	if err != nil {
		t.Fatal(err)
	}
	if len(dict) != 0 {
		t.Errorf("got %v, want an empty dictionary", dict)
	}
}

func TestDecodeDERIntegers(t *testing.T) {
	for _, tc := range []struct {
		hex  string
		want any
	}{
		{"00", uint64(0)},
		{"7f", uint64(127)},
		{"0080", uint64(128)},
		{"ff", int64(-1)},
		{"00ffffffffffffffff", uint64(1<<64 - 1)},
	} {
		body, _ := hex.DecodeString(tc.hex)
		got, err := decodeDERInteger(body)
		if err != nil {
			t.Errorf("%s: %v", tc.hex, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s = %#v, want %#v", tc.hex, got, tc.want)
		}
	}
}

func TestDecodeDERRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, hex, message string
	}{
		{"empty", "", "not a complete DER element"},
		{"length past end", "70ff", "not a complete DER element"},
		{"trailing bytes", "7005020101b00000", "bytes after the end"},
		{"wrong outer tag", "3000", "unexpected outer tag 0x30"},
		{"version 2", "7005020102b000", "version 2"},
		{"key not a string", "3105300302010a", "key is not a UTF8String"},
		{"duplicate key", "311030060c01610101ff30060c01610101ff", "appears twice"},
		{"unsupported value", "310730050c01611700", "unsupported value tag 0x17"},
		{"long boolean", "310930070c01610102ffff", "BOOLEAN of 2 bytes"},
	} {
		data, err := hex.DecodeString(tc.hex)
		if err != nil {
			t.Fatalf("%s: bad test hex: %v", tc.name, err)
		}
		_, err = DecodeDER(data)
		if err == nil {
			t.Errorf("%s: DecodeDER succeeded", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.message)
		}
	}
}

func TestDecodeDERDepthLimit(t *testing.T) {
	// 40 nested SEQUENCEs as the value of key "a".
	value := []byte{0x01, 0x01, 0xff}
	for range 40 {
		value = append([]byte{0x30, byte(len(value))}, value...)
	}
	pair := append([]byte{0x0c, 0x01, 'a'}, value...)
	pair = append([]byte{0x30, byte(len(pair))}, pair...)
	set := append([]byte{0x31, byte(len(pair))}, pair...)
	_, err := DecodeDER(set)
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("error = %v, want a nesting limit error", err)
	}
}

func TestEncodeDERRejectsFloats(t *testing.T) {
	_, err := EncodeDER(Dict{"com.example.ratio": 0.5})
	if err == nil || !strings.Contains(err.Error(), "com.example.ratio") {
		t.Errorf("error = %v, want one naming the key", err)
	}
}
