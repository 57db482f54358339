package entitlements

import (
	"bytes"
	"testing"
)

// The fuzz targets below start from the seeds in testdata/fuzz/<target>,
// which TestWriteFuzzSeeds regenerates. Each checks that malformed input
// returns an error instead of panicking, hanging or allocating by an
// untrusted length.

func FuzzParsePlist(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dict, err := ParsePlist(data)
		if err != nil {
			return
		}
		dict.View()
		dict.Substitute(map[string]string{"TeamIdentifierPrefix": "ABCDE12345."})
	})
}

func FuzzDecodeDER(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dict, err := DecodeDER(data)
		if err != nil {
			return
		}
		encoded, err := EncodeDER(dict)
		if err != nil {
			t.Fatalf("decoded dictionary does not encode: %v", err)
		}
		again, err := DecodeDER(encoded)
		if err != nil {
			t.Fatalf("re-encoded dictionary does not decode: %v", err)
		}
		if diff := CompareDicts(dict, again); len(diff) != 0 {
			t.Fatalf("round trip changed the dictionary: %v", diff)
		}
	})
}

func FuzzReadMachO(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		slices, err := ReadMachO(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, s := range slices {
			if !s.Signed && (s.HasXML || s.HasDER) {
				t.Fatalf("unsigned slice %s has entitlements blobs", s.Arch)
			}
		}
	})
}

func FuzzParseProfile(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		profile, err := ParseProfile(data)
		if err != nil {
			return
		}
		profile.Entitlements.View()
	})
}
