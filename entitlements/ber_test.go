package entitlements

import (
	"bytes"
	"strings"
	"testing"
)

// slowEndSearchBER returns an indefinite-length SEQUENCE of children small
// OCTET STRINGs followed by one OCTET STRING of tail bytes without a zero
// pair, so the pkcs7 parser scans the tail once per child.
func slowEndSearchBER(children, tail int) []byte {
	data := []byte{0x30, 0x80}
	data = append(data, bytes.Repeat([]byte{0x04, 0x01, 0x41}, children)...)
	data = append(data, 0x04, 0x83, byte(tail>>16), byte(tail>>8), byte(tail))
	data = append(data, bytes.Repeat([]byte{'A'}, tail)...)
	return append(data, 0x00, 0x00)
}

func TestCheckBERRejectsSlowEndSearch(t *testing.T) {
	err := checkBER(slowEndSearchBER(90_000, 1<<20))
	if err == nil || !strings.Contains(err.Error(), "finding their ends would scan more than") {
		t.Fatalf("checkBER = %v, want an end-search error", err)
	}
}

func TestCheckBERAcceptsFewIndefiniteChildren(t *testing.T) {
	// 10 children scanning 1 MB each stay within the budget of 16 bytes
	// per input byte.
	if err := checkBER(slowEndSearchBER(10, 1<<20)); err != nil {
		t.Fatalf("checkBER = %v, want nil", err)
	}
}

func TestCheckBERAcceptsManyChildrenNearZeros(t *testing.T) {
	// Each small child contains a zero pair, so the search after the
	// previous child stops two bytes later.
	data := append([]byte{0x30, 0x80}, bytes.Repeat([]byte{0x02, 0x02, 0x00, 0x00}, 90_000)...)
	tail := 1 << 20
	data = append(data, 0x04, 0x83, byte(tail>>16), byte(tail>>8), byte(tail))
	data = append(data, bytes.Repeat([]byte{'A'}, tail)...)
	data = append(data, 0x00, 0x00)
	if err := checkBER(data); err != nil {
		t.Fatalf("checkBER = %v, want nil", err)
	}
}

func TestDescribeCMSErrorHidesGoTypes(t *testing.T) {
	// A SEQUENCE holding an INTEGER where the content type OID belongs.
	_, err := ParseProfile([]byte{0x30, 0x05, 0x02, 0x01, 0x00, 0x02, 0x00})
	if err == nil {
		t.Fatal("ParseProfile accepted an INTEGER as the content type")
	}
	message := err.Error()
	if !strings.Contains(message, "expected an OBJECT IDENTIFIER at byte 2") {
		t.Errorf("message = %q, want the expected element and offset", message)
	}
	if strings.Contains(message, "{class:") || strings.Contains(message, "optional:") {
		t.Errorf("message = %q, still prints Go struct fields", message)
	}
}

func TestCheckBERErrorsNameCMS(t *testing.T) {
	manyElements := append([]byte{0x30, 0x83, 0x06, 0x1a, 0x80}, bytes.Repeat([]byte{0x05, 0x00}, 200_000)...)
	deep := bytes.Repeat([]byte{0x30, 0x80}, maxBERDepth+10)
	for name, data := range map[string][]byte{"many elements": manyElements, "deep nesting": deep} {
		err := checkBER(data)
		if err == nil || !strings.HasPrefix(err.Error(), "invalid CMS structure: ") {
			t.Errorf("%s: checkBER = %v, want an error starting with \"invalid CMS structure: \"", name, err)
		}
	}
}

func TestReadBERHeaderAllocatesNothing(t *testing.T) {
	// checkBER reads up to maxBERElements headers, so a valid one must not
	// allocate an error it does not return.
	data := []byte{0x30, 0x02, 0x05, 0x00}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := readBERHeader(data, 0); err != nil {
			t.Fatalf("readBERHeader = %v, want nil", err)
		}
	})
	if allocs != 0 {
		t.Errorf("readBERHeader allocates %.0f times per valid header, want 0", allocs)
	}
}
