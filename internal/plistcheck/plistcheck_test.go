package plistcheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"howett.net/plist"
)

// nestedXML returns an XML property list with levels nested arrays.
func nestedXML(levels int) []byte {
	return []byte("<plist><dict><key>a</key>" + strings.Repeat("<array>", levels) +
		strings.Repeat("</array>", levels) + "</dict></plist>")
}

// utf16LE encodes s as UTF-16 little endian with a byte order mark.
func utf16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, unit := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, unit)
	}
	return out
}

// binaryPlist builds a bplist00 file from at most 256 encoded objects, with
// 2-byte offsets and 1-byte references. The top object is object 0.
func binaryPlist(objects ...[]byte) []byte {
	out := []byte("bplist00")
	offsets := []byte{}
	for _, object := range objects {
		offsets = binary.BigEndian.AppendUint16(offsets, uint16(len(out)))
		out = append(out, object...)
	}
	tableOffset := len(out)
	out = append(out, offsets...)
	trailer := make([]byte, 32)
	trailer[6], trailer[7] = 2, 1
	binary.BigEndian.PutUint64(trailer[8:], uint64(len(objects)))
	binary.BigEndian.PutUint64(trailer[24:], uint64(tableOffset))
	return append(out, trailer...)
}

// sharedArrayChain returns a binary property list of levels arrays, each
// holding two references to the next, ending in an empty string. Decoded,
// it expands to 2^levels strings.
func sharedArrayChain(levels int) []byte {
	objects := make([][]byte, 0, levels+1)
	for i := range levels {
		objects = append(objects, []byte{0xa2, byte(i + 1), byte(i + 1)})
	}
	objects = append(objects, []byte{0x50})
	return binaryPlist(objects...)
}

func TestCheckAcceptsShallowPlists(t *testing.T) {
	inputs := map[string][]byte{
		"xml":               nestedXML(MaxDepth - 3),
		"openstep":          []byte(`{ a = ( "((((", "\"(" ); /* ) ) ) */ b = { c = d; }; }`),
		"openstep utf-16":   utf16LE(`{ a = ( b, c ); }`),
		"xml with brackets": []byte("<plist><string>" + strings.Repeat("(", 1000) + "</string></plist>"),
		"binary":            sharedArrayChain(3),
		"empty":             nil,
	}
	for name, data := range inputs {
		if err := Check(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckRejectsDeepXML(t *testing.T) {
	err := Check(nestedXML(100_000))
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("Check = %v, want ErrTooDeep", err)
	}
}

func TestCheckRejectsDeepOpenStep(t *testing.T) {
	inputs := map[string][]byte{
		"arrays":            bytes.Repeat([]byte("("), 100_000),
		"dictionaries":      []byte(strings.Repeat("{a=", 1000)),
		"utf-16":            utf16LE(strings.Repeat("(", 1000)),
		"closed in string":  []byte(strings.Repeat(`( ")" `, 1000)),
		"closed in comment": []byte(strings.Repeat("( /* ) */ ", 1000)),
	}
	for name, data := range inputs {
		if err := Check(data); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: Check = %v, want ErrTooDeep", name, err)
		}
	}
}

func TestCheckRejectsSharedArrayChain(t *testing.T) {
	data := sharedArrayChain(24)
	err := Check(data)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Check = %v, want ErrTooLarge", err)
	}
}

func TestCheckRejectsDeepBinary(t *testing.T) {
	objects := [][]byte{}
	for i := range 200 {
		objects = append(objects, []byte{0xa1, byte(i + 1)})
	}
	objects = append(objects, []byte{0x50})
	err := Check(binaryPlist(objects...))
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("Check = %v, want ErrTooDeep", err)
	}
}

func TestCheckRejectsBinaryCycle(t *testing.T) {
	data := binaryPlist([]byte{0xa1, 1}, []byte{0xa1, 0})
	err := Check(data)
	if err == nil || !strings.Contains(err.Error(), "contains itself") {
		t.Fatalf("Check = %v, want a cycle error", err)
	}
}

// TestCheckAgreesWithDecoder decodes what Check accepts, so a scan that
// misreads a format shows up as a decoder failure here.
func TestCheckAgreesWithDecoder(t *testing.T) {
	inputs := [][]byte{nestedXML(20), sharedArrayChain(10), []byte(`{ a = ( b, "c)" ); }`)}
	for _, data := range inputs {
		if err := Check(data); err != nil {
			t.Fatalf("Check(%q) = %v", data, err)
		}
		var value any
		if _, err := plist.Unmarshal(data, &value); err != nil {
			t.Errorf("decoder rejects %q: %v", data, err)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(nestedXML(3))
	f.Add(sharedArrayChain(4))
	f.Add([]byte(`{ a = ( b, "c" ); }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if Check(data) != nil {
			return
		}
		var value any
		_, _ = plist.Unmarshal(data, &value)
	})
}

func TestCheckRejectsEscapeHeavyString(t *testing.T) {
	inputs := map[string][]byte{
		"terminated":   []byte(`{ a = "` + strings.Repeat(`\n`, 10_000) + `"; }`),
		"unterminated": []byte(`{ a = "` + strings.Repeat(`\n`, 10_000)),
	}
	for name, data := range inputs {
		if err := Check(data); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: Check = %v, want ErrTooLarge", name, err)
		}
	}
}

func TestCheckAcceptsFewEscapes(t *testing.T) {
	data := []byte(`{ a = "` + strings.Repeat(`\n`, 100) + strings.Repeat("x", 10_000) + `"; }`)
	if err := Check(data); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRejectsSharedLongString(t *testing.T) {
	// An array of 1,000 references to one 2 KB string decodes to 2 MB.
	array := []byte{0xaf, 0x11, 0x03, 0xe8}
	array = append(array, bytes.Repeat([]byte{1}, 1000)...)
	text := append([]byte{0x5f, 0x11, 0x08, 0x00}, bytes.Repeat([]byte("x"), 2048)...)

	err := Check(binaryPlist(array, text))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Check = %v, want ErrTooLarge", err)
	}
}

func TestCheckAcceptsFewSharedStrings(t *testing.T) {
	array := []byte{0xaf, 0x10, 0x0a}
	array = append(array, bytes.Repeat([]byte{1}, 10)...)
	text := append([]byte{0x5f, 0x11, 0x08, 0x00}, bytes.Repeat([]byte("x"), 2048)...)
	data := binaryPlist(array, text)

	if err := Check(data); err != nil {
		t.Fatal(err)
	}
	var value any
	if _, err := plist.Unmarshal(data, &value); err != nil {
		t.Fatalf("decoder rejects the generated file: %v", err)
	}
}

func TestCheckRejectsTooManyObjects(t *testing.T) {
	// 1,000,001 offset table entries that all point at one empty string.
	count := MaxValues + 1
	data := append([]byte("bplist00"), 0x50)
	data = append(data, bytes.Repeat([]byte{8}, count)...)
	trailer := make([]byte, 32)
	trailer[6], trailer[7] = 1, 4
	binary.BigEndian.PutUint64(trailer[8:], uint64(count))
	binary.BigEndian.PutUint64(trailer[24:], 9)
	data = append(data, trailer...)

	err := Check(data)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Check = %v, want ErrTooLarge", err)
	}
}
