package entitlements_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
)

// The generators below build small inputs made to crash or stall readers
// without nesting, expansion and size limits. The readers reject each in
// well under a millisecond.

// nestedXMLPlist returns an entitlements plist whose one value is levels
// nested arrays.
func nestedXMLPlist(levels int) []byte {
	return []byte("<plist><dict><key>a</key>" + strings.Repeat("<array>", levels) +
		strings.Repeat("</array>", levels) + "</dict></plist>")
}

// nestedOpenStepPlist returns an OpenStep plist of levels open arrays.
func nestedOpenStepPlist(levels int) []byte {
	return bytes.Repeat([]byte("("), levels)
}

// nestedBER returns levels indefinite-length SEQUENCE headers.
func nestedBER(levels int) []byte {
	return bytes.Repeat([]byte{0x30, 0x80}, levels)
}

// overrunningBER returns SEQUENCEs that each declare 39 bytes but hold a
// 2-byte SEQUENCE header whose contents run on into the next level, then
// NULLs. A parser that trusts the children over the parent's length parses
// the tail once per combination of levels.
func overrunningBER(levels int) []byte {
	data := bytes.Repeat([]byte{0x30, 39, 0x30, 2}, levels)
	return append(data, bytes.Repeat([]byte{0x05, 0x00}, 60)...)
}

// sharedArrayChain returns a binary plist dictionary whose value is a chain
// of levels 2-element arrays, each element pointing at the next array.
// Decoded into Go values it has 2^levels leaves.
func sharedArrayChain(levels int) []byte {
	objects := [][]byte{{0xd1, 1, 2}, append([]byte{0x51}, 'a')}
	for i := range levels {
		next := byte(3 + i)
		objects = append(objects, []byte{0xa2, next, next})
	}
	objects = append(objects, []byte{0x09})

	out := []byte("bplist00")
	var offsets []byte
	for _, object := range objects {
		offsets = binary.BigEndian.AppendUint16(offsets, uint16(len(out)))
		out = append(out, object...)
	}
	trailer := make([]byte, 32)
	trailer[6], trailer[7] = 2, 1
	binary.BigEndian.PutUint64(trailer[8:], uint64(len(objects)))
	binary.BigEndian.PutUint64(trailer[24:], uint64(len(out)))
	return append(append(out, offsets...), trailer...)
}

func TestParsePlistRejectsDeepNesting(t *testing.T) {
	inputs := map[string][]byte{
		"xml":      nestedXMLPlist(plistcheck.MaxDepth + 10),
		"openstep": nestedOpenStepPlist(plistcheck.MaxDepth + 10),
	}
	for name, data := range inputs {
		_, err := entitlements.ParsePlist(data)
		if !errors.Is(err, plistcheck.ErrTooDeep) {
			t.Errorf("%s: ParsePlist = %v, want a nesting error", name, err)
		}
	}
}

func TestParsePlistRejectsSharedArrays(t *testing.T) {
	_, err := entitlements.ParsePlist(sharedArrayChain(16))
	if !errors.Is(err, plistcheck.ErrTooLarge) {
		t.Fatalf("ParsePlist = %v, want an expansion error", err)
	}
}

func TestParsePlistAcceptsSmallSharedArrays(t *testing.T) {
	dict, err := entitlements.ParsePlist(sharedArrayChain(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dict["a"].([]any); !ok {
		t.Errorf("value of a is %T, want an array", dict["a"])
	}
}

func TestParseProfileRejectsDeepBER(t *testing.T) {
	_, err := entitlements.ParseProfile(nestedBER(1000))
	if err == nil || !strings.Contains(err.Error(), "nested more than 64 levels deep") {
		t.Fatalf("ParseProfile = %v, want a nesting error", err)
	}
}

func TestParseProfileRejectsOverrunningChild(t *testing.T) {
	_, err := entitlements.ParseProfile(overrunningBER(20))
	if err == nil || !strings.Contains(err.Error(), "past the end of its parent") {
		t.Fatalf("ParseProfile = %v, want an overrun error", err)
	}
}

func TestParseProfileRejectsManyElements(t *testing.T) {
	// One SEQUENCE of 200,000 NULLs. Its length is definite, because
	// children of an indefinite-length value without zero pairs between
	// them trip the end-of-contents search budget first.
	data := append([]byte{0x30, 0x83, 0x06, 0x1a, 0x80}, bytes.Repeat([]byte{0x05, 0x00}, 200_000)...)
	_, err := entitlements.ParseProfile(data)
	if err == nil || !strings.Contains(err.Error(), "more than 100000 elements") {
		t.Fatalf("ParseProfile = %v, want an element count error", err)
	}
}

func TestParseProfileRejectsDeepContent(t *testing.T) {
	profile, err := fixture.SignedContent(nestedXMLPlist(plistcheck.MaxDepth + 10))
	if err != nil {
		t.Fatal(err)
	}
	_, err = entitlements.ParseProfile(profile)
	if !errors.Is(err, plistcheck.ErrTooDeep) {
		t.Fatalf("ParseProfile = %v, want a nesting error", err)
	}
}

func TestReadMachORejectsDeepXMLBlob(t *testing.T) {
	image, err := fixture.MachO("arm64", fixture.Signing{
		Identifier: "com.example.App", Entitlements: string(nestedXMLPlist(plistcheck.MaxDepth + 10)), NoDER: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = entitlements.ReadMachO(bytes.NewReader(image), int64(len(image)))
	if !errors.Is(err, plistcheck.ErrTooDeep) {
		t.Fatalf("ReadMachO = %v, want a nesting error", err)
	}
}

func TestReadMachOReportsDeepCMS(t *testing.T) {
	image, err := fixture.MachO("arm64", fixture.Signing{
		Identifier: "com.example.App", Entitlements: sandboxXML, Signer: developerID, CMS: nestedBER(1000),
	})
	if err != nil {
		t.Fatal(err)
	}
	slices, err := entitlements.ReadMachO(bytes.NewReader(image), int64(len(image)))
	if err != nil {
		t.Fatal(err)
	}
	if slices[0].Signature != entitlements.SignatureUnknown {
		t.Errorf("signature = %s, want unknown", slices[0].Signature)
	}
	if !strings.Contains(slices[0].SignerError, "nested more than 64 levels deep") {
		t.Errorf("signer error = %q, want a nesting error", slices[0].SignerError)
	}
}

func BenchmarkParseProfileOverrunningChild(b *testing.B) {
	data := overrunningBER(22)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := entitlements.ParseProfile(data); err == nil {
			b.Fatal("overrunning profile accepted")
		}
	}
}

// fatOfOneSlice returns a fat header with count entries that all point at
// one copy of image.
func fatOfOneSlice(image []byte, count int) []byte {
	headerSize := 8 + 20*count
	offset := (headerSize + 15) &^ 15
	out := make([]byte, offset, offset+len(image))
	binary.BigEndian.PutUint32(out, 0xcafebabe)
	binary.BigEndian.PutUint32(out[4:], uint32(count))
	for i := range count {
		entry := out[8+20*i:]
		binary.BigEndian.PutUint32(entry[0:], binary.LittleEndian.Uint32(image[4:]))
		binary.BigEndian.PutUint32(entry[4:], binary.LittleEndian.Uint32(image[8:]))
		binary.BigEndian.PutUint32(entry[8:], uint32(offset))
		binary.BigEndian.PutUint32(entry[12:], uint32(len(image)))
		binary.BigEndian.PutUint32(entry[16:], 4)
	}
	return append(out, image...)
}

func TestReadMachORejectsDuplicateSlices(t *testing.T) {
	image, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML})
	if err != nil {
		t.Fatal(err)
	}
	fat := fatOfOneSlice(image, 32)
	_, err = entitlements.ReadMachO(bytes.NewReader(fat), int64(len(fat)))
	if err == nil || !strings.Contains(err.Error(), "fat header slice 1 (arm64) duplicates slice 0 (arm64): same offset") {
		t.Fatalf("ReadMachO = %v, want a duplicate slice error", err)
	}
}

func TestReadMachORejectsOverlappingSlices(t *testing.T) {
	image, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML})
	if err != nil {
		t.Fatal(err)
	}
	fat := fatOfOneSlice(image, 2)
	// Shrink the first entry so the two ranges overlap without being equal.
	binary.BigEndian.PutUint32(fat[8+12:], uint32(len(image)-16))
	_, err = entitlements.ReadMachO(bytes.NewReader(fat), int64(len(fat)))
	if err == nil || !strings.Contains(err.Error(), "overlapping slice 0 (arm64)") {
		t.Fatalf("ReadMachO = %v, want an overlap error", err)
	}
}

func TestReadMachORejectsHugeXMLBlob(t *testing.T) {
	padding := strings.Repeat("<!-- padding -->", (1<<20)/16+1)
	image, err := fixture.MachO("arm64", fixture.Signing{
		Identifier: "com.example.App", Entitlements: strings.Replace(sandboxXML, "<dict>", "<dict>"+padding, 1), NoDER: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = entitlements.ReadMachO(bytes.NewReader(image), int64(len(image)))
	if err == nil || !strings.Contains(err.Error(), "larger than the 1048576") {
		t.Fatalf("ReadMachO = %v, want a blob size error", err)
	}
}

func TestSubstituteUnterminatedPlaceholders(t *testing.T) {
	cases := map[string]string{
		strings.Repeat("$(", 3):        strings.Repeat("$(", 3),
		"$(A)$(":                       "x$(",
		"$($(A)":                       "$(x",
		"$(A_$(B))":                    "$(A_$(B))",
		"${A}$(A}":                     "x$(A}",
		"$()$(A)":                      "$()x",
		"(" + "$(A" + ")" + ")":        "(x)",
		"$(A:default=y))$(A":           "x)$(A",
		"$(A" + "{" + ")" + "}":        "$(A{)}",
		strings.Repeat("(", 4):         strings.Repeat("(", 4),
		"$(B" + strings.Repeat(")", 2): "$(B))",
	}
	for input, want := range cases {
		got, _ := entitlements.Dict{"k": input}.Substitute(map[string]string{"A": "x"})
		if got["k"] != want {
			t.Errorf("Substitute(%q) = %q, want %q", input, got["k"], want)
		}
	}
}

func BenchmarkSubstituteUnterminated(b *testing.B) {
	dict := entitlements.Dict{"k": strings.Repeat("$(", 500_000)}
	b.ReportAllocs()
	for b.Loop() {
		dict.Substitute(nil)
	}
}

func TestReadMachOReportsSlowEndSearchCMS(t *testing.T) {
	// An indefinite-length SEQUENCE of 2,000 small children before 4 KB
	// without a zero pair: 8 MB to scan, in a blob small enough for the
	// fixture's signature space.
	cms := []byte{0x30, 0x80}
	cms = append(cms, bytes.Repeat([]byte{0x04, 0x01, 0x41}, 2_000)...)
	cms = append(cms, 0x04, 0x82, 0x10, 0x00)
	cms = append(cms, bytes.Repeat([]byte{'A'}, 1<<12)...)
	cms = append(cms, 0x00, 0x00)
	image, err := fixture.MachO("arm64", fixture.Signing{
		Identifier: "com.example.App", Entitlements: sandboxXML, Signer: developerID, CMS: cms,
	})
	if err != nil {
		t.Fatal(err)
	}
	slices, err := entitlements.ReadMachO(bytes.NewReader(image), int64(len(image)))
	if err != nil {
		t.Fatal(err)
	}
	if slices[0].Signature != entitlements.SignatureUnknown {
		t.Errorf("signature = %s, want unknown", slices[0].Signature)
	}
	if !strings.Contains(slices[0].SignerError, "finding their ends would scan more than") {
		t.Errorf("signer error = %q, want an end-search error", slices[0].SignerError)
	}
}
