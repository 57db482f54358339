package entitlements_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
)

// TestWriteFuzzSeeds rewrites the fuzz seed corpus in testdata/fuzz from
// generated fixtures when SOCKDOCTOR_WRITE_SEEDS=1. Otherwise it only
// checks that every target has seeds.
func TestWriteFuzzSeeds(t *testing.T) {
	targets := []string{"FuzzParsePlist", "FuzzDecodeDER", "FuzzReadMachO", "FuzzParseProfile"}
	if os.Getenv("SOCKDOCTOR_WRITE_SEEDS") != "1" {
		for _, target := range targets {
			seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
			if len(seeds) == 0 {
				t.Errorf("%s has no seeds in testdata/fuzz; run with SOCKDOCTOR_WRITE_SEEDS=1", target)
			}
		}
		return
	}

	seeds := map[string]map[string][]byte{}
	for _, target := range targets {
		seeds[target] = map[string][]byte{}
	}

	dict, err := entitlements.ParsePlist([]byte(sandboxXML))
	if err != nil {
		t.Fatal(err)
	}
	binaryPlist, err := plist.Marshal(map[string]any(dict), plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	seeds["FuzzParsePlist"]["xml"] = []byte(sandboxXML)
	seeds["FuzzParsePlist"]["binary"] = binaryPlist
	seeds["FuzzParsePlist"]["openstep"] = []byte(`{ "com.apple.security.app-sandbox" = <*BY>; "com.apple.security.application-groups" = ("$(TeamIdentifierPrefix)x"); }`)

	der, err := entitlements.EncodeDER(entitlements.Dict{
		"com.apple.security.app-sandbox": true,
		"com.example.array":              []any{"a", uint64(7)},
		"com.example.nested":             map[string]any{"b": false},
	})
	if err != nil {
		t.Fatal(err)
	}
	seeds["FuzzDecodeDER"]["current"] = der
	seeds["FuzzDecodeDER"]["empty"] = []byte{0x70, 0x05, 0x02, 0x01, 0x01, 0xb0, 0x00}
	seeds["FuzzDecodeDER"]["legacy"] = []byte("\x31\x12\x30\x10\x0c\x0bcom.example\x01\x01\x01")

	adHoc, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := fixture.MachO("x86_64", fixture.Signing{Identifier: "com.example.App", TeamID: "ABCDE12345", Entitlements: sandboxXML, Signer: developerID})
	if err != nil {
		t.Fatal(err)
	}
	compactAdHoc, compactSigned := compactImage(t, adHoc), compactImage(t, signed)
	fat := compactFat(compactAdHoc, compactSigned)
	if _, err := entitlements.ReadMachO(bytesReader(fat), int64(len(fat))); err != nil {
		t.Fatalf("compact fat file does not read: %v", err)
	}
	seeds["FuzzReadMachO"]["adhoc"] = compactAdHoc
	seeds["FuzzReadMachO"]["developer-id"] = compactSigned
	seeds["FuzzReadMachO"]["fat"] = fat

	profile, err := fixture.Profile("Example", "ABCDE12345", []string{"ABCDE12345.com.example"})
	if err != nil {
		t.Fatal(err)
	}
	seeds["FuzzParseProfile"]["profile"] = profile

	// Small inputs made to crash or stall readers without limits.
	seeds["FuzzParsePlist"]["deep-xml"] = nestedXMLPlist(200)
	seeds["FuzzParsePlist"]["deep-openstep"] = nestedOpenStepPlist(200)
	seeds["FuzzParsePlist"]["shared-arrays"] = sharedArrayChain(24)
	seeds["FuzzParsePlist"]["escape-heavy"] = []byte(`{ a = "` + strings.Repeat(`\n`, 6000) + `"; }`)
	seeds["FuzzParsePlist"]["unterminated-placeholders"] = []byte("{ a = \"" + strings.Repeat("$(", 2000) + "\"; }")
	seeds["FuzzParseProfile"]["deep-ber"] = nestedBER(200)
	seeds["FuzzParseProfile"]["overrunning-child"] = overrunningBER(22)
	seeds["FuzzReadMachO"]["fat-overlapping"] = fatOfOneSlice(compactAdHoc, 32)
	deepXMLBlob, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: string(nestedXMLPlist(200)), NoDER: true})
	if err != nil {
		t.Fatal(err)
	}
	seeds["FuzzReadMachO"]["deep-xml-blob"] = compactImageUnchecked(t, deepXMLBlob)
	deepCMS, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Signer: developerID, CMS: nestedBER(200)})
	if err != nil {
		t.Fatal(err)
	}
	seeds["FuzzReadMachO"]["deep-cms"] = compactImage(t, deepCMS)

	for target, files := range seeds {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			content := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// compactImage moves the code signature of a generated image right after
// its load commands and trims the SuperBlob's padding, so a fuzz seed is a
// few KB instead of the 16 KB page layout, and checks that it still reads.
func compactImage(t *testing.T, image []byte) []byte {
	t.Helper()
	out := compactImageUnchecked(t, image)
	if _, err := entitlements.ReadMachO(bytesReader(out), int64(len(out))); err != nil {
		t.Fatalf("compact image does not read: %v", err)
	}
	return out
}

// compactImageUnchecked is compactImage for images that must not read.
func compactImageUnchecked(t *testing.T, image []byte) []byte {
	t.Helper()
	offset, _, err := fixture.CodeSignatureRange(image)
	if err != nil {
		t.Fatal(err)
	}
	signature := image[offset:]
	length := binary.BigEndian.Uint32(signature[4:])
	commandsEnd := 32 + int(binary.LittleEndian.Uint32(image[20:]))
	newOffset := (commandsEnd + 15) &^ 15

	out := make([]byte, newOffset, newOffset+int(length))
	copy(out, image[:commandsEnd])
	out = append(out, signature[:length]...)

	count := binary.LittleEndian.Uint32(out[16:])
	at := 32
	for range count {
		cmd, size := binary.LittleEndian.Uint32(out[at:]), binary.LittleEndian.Uint32(out[at+4:])
		if cmd == 0x1d {
			binary.LittleEndian.PutUint32(out[at+8:], uint32(newOffset))
			binary.LittleEndian.PutUint32(out[at+12:], length)
		}
		at += int(size)
	}
	return out
}

// compactFat joins thin images under a fat header with 16-byte alignment
// instead of the 16 KB pages fixture.Fat uses.
func compactFat(slices ...[]byte) []byte {
	out := make([]byte, 8+20*len(slices))
	binary.BigEndian.PutUint32(out, 0xcafebabe)
	binary.BigEndian.PutUint32(out[4:], uint32(len(slices)))
	for i, slice := range slices {
		out = append(out, make([]byte, (len(out)+15)&^15-len(out))...)
		entry := out[8+20*i:]
		binary.BigEndian.PutUint32(entry[0:], binary.LittleEndian.Uint32(slice[4:]))
		binary.BigEndian.PutUint32(entry[4:], binary.LittleEndian.Uint32(slice[8:]))
		binary.BigEndian.PutUint32(entry[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(entry[12:], uint32(len(slice)))
		binary.BigEndian.PutUint32(entry[16:], 4)
		out = append(out, slice...)
	}
	return out
}
