package entitlements_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
)

// BenchmarkLoadSignedBinary loads a Developer ID signed binary of 1 MB and
// of 200 MB, both sparse, with the signature at the end. Load reads only the
// header, the load commands and the signature, so time and memory per
// operation stay the same for both sizes.
func BenchmarkLoadSignedBinary(b *testing.B) {
	image, err := fixture.MachO("arm64", fixture.Signing{
		Identifier: "com.example.App", TeamID: "ABCDE12345", Entitlements: sandboxXML, Signer: developerID, Runtime: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int64{1 << 20, 200 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "App")
			if err := fixture.WriteSparse(path, image, size); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				target, err := entitlements.Load(path, entitlements.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if !target.Entitlements.Bool(entitlements.KeyAppSandbox) {
					b.Fatal("entitlements lost")
				}
			}
		})
	}
}
