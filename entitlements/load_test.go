package entitlements_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
)

const sandboxXML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.app-sandbox</key>
	<true/>
	<key>com.apple.security.application-groups</key>
	<array>
		<string>ABCDE12345.com.example.shared</string>
	</array>
	<key>com.apple.security.network.client</key>
	<true/>
</dict>
</plist>
`

const developerID = "Developer ID Application: Example Corp (ABCDE12345)"

// writeFile writes data to a new file in a test folder and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func signedMachO(t *testing.T, arch string, s fixture.Signing) []byte {
	t.Helper()
	image, err := fixture.MachO(arch, s)
	if err != nil {
		t.Fatal(err)
	}
	return image
}

func TestLoadSignedMachO(t *testing.T) {
	image := signedMachO(t, "arm64", fixture.Signing{
		Identifier: "com.example.App", TeamID: "ABCDE12345", Entitlements: sandboxXML, Signer: developerID, Runtime: true,
	})
	target, err := entitlements.Load(writeFile(t, "App", image), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}

	if target.Kind != entitlements.KindMachO {
		t.Errorf("Kind = %q", target.Kind)
	}
	if target.BundleID != "com.example.App" || target.TeamID != "ABCDE12345" {
		t.Errorf("BundleID, TeamID = %q, %q", target.BundleID, target.TeamID)
	}
	if target.Signature != entitlements.SignatureDeveloperID || target.Distribution() != "developer-id" {
		t.Errorf("Signature, Distribution = %q, %q", target.Signature, target.Distribution())
	}
	if len(target.Slices) != 1 {
		t.Fatalf("%d slices, want 1", len(target.Slices))
	}
	slice := target.Slices[0]
	if slice.Arch != "arm64" || !slice.Signed || slice.HashType != "sha256" {
		t.Errorf("slice = %s signed %v hash %s", slice.Arch, slice.Signed, slice.HashType)
	}
	if !reflect.DeepEqual(slice.Flags, []string{"runtime"}) {
		t.Errorf("Flags = %v, want [runtime]", slice.Flags)
	}
	if !slice.HasXML || !slice.HasDER || len(slice.Mismatches) != 0 {
		t.Errorf("HasXML %v HasDER %v Mismatches %v", slice.HasXML, slice.HasDER, slice.Mismatches)
	}
	if slice.SignerCommonName != developerID {
		t.Errorf("SignerCommonName = %q", slice.SignerCommonName)
	}
	view := target.Entitlements.View()
	if !view.Sandboxed || !view.NetworkClient || !reflect.DeepEqual(view.AppGroups, []string{"ABCDE12345.com.example.shared"}) {
		t.Errorf("view = %+v", view)
	}
}

func TestLoadSignatureKinds(t *testing.T) {
	for _, tc := range []struct {
		signer       string
		kind         entitlements.SignatureKind
		distribution string
	}{
		{developerID, entitlements.SignatureDeveloperID, "developer-id"},
		{"Apple Distribution: Example Corp (ABCDE12345)", entitlements.SignatureAppStore, "mas"},
		{"3rd Party Mac Developer Application: Example Corp (ABCDE12345)", entitlements.SignatureAppStore, "mas"},
		{"Apple Development: Jane Doe (FGHIJ67890)", entitlements.SignatureDevelopment, "development"},
		{"Mac Developer: Jane Doe (FGHIJ67890)", entitlements.SignatureDevelopment, "development"},
		{"Self-signed test certificate", entitlements.SignatureUnknown, "unknown"},
		{"", entitlements.SignatureAdHoc, "unknown"},
	} {
		image := signedMachO(t, "x86_64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML, Signer: tc.signer})
		target, err := entitlements.Load(writeFile(t, "App", image), entitlements.LoadOptions{})
		if err != nil {
			t.Errorf("%q: %v", tc.signer, err)
			continue
		}
		if target.Signature != tc.kind {
			t.Errorf("%q: Signature = %q, want %q", tc.signer, target.Signature, tc.kind)
		}
		if target.Distribution() != tc.distribution {
			t.Errorf("%q: Distribution = %q, want %q", tc.signer, target.Distribution(), tc.distribution)
		}
		if target.Slices[0].SignerCommonName != tc.signer {
			t.Errorf("%q: SignerCommonName = %q", tc.signer, target.Slices[0].SignerCommonName)
		}
	}
}

func TestLoadAdHocLinkerSigned(t *testing.T) {
	image := signedMachO(t, "arm64", fixture.Signing{Identifier: "a.out", LinkerSigned: true})
	target, err := entitlements.Load(writeFile(t, "tool", image), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	slice := target.Slices[0]
	if !reflect.DeepEqual(slice.Flags, []string{"adhoc", "linker-signed"}) {
		t.Errorf("Flags = %v", slice.Flags)
	}
	if slice.Signature != entitlements.SignatureAdHoc || slice.HasXML || slice.HasDER {
		t.Errorf("Signature %q HasXML %v HasDER %v", slice.Signature, slice.HasXML, slice.HasDER)
	}
	if target.Entitlements == nil || len(target.Entitlements) != 0 {
		t.Errorf("Entitlements = %#v, want an empty dictionary", target.Entitlements)
	}
}

func TestLoadDERMismatch(t *testing.T) {
	der, err := entitlements.EncodeDER(entitlements.Dict{
		entitlements.KeyAppSandbox:        false,
		entitlements.KeyNetworkServer:     true,
		entitlements.KeyApplicationGroups: []any{"ABCDE12345.com.example.shared"},
	})
	if err != nil {
		t.Fatal(err)
	}
	image := signedMachO(t, "arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML, DER: der, Signer: developerID})
	target, err := entitlements.Load(writeFile(t, "App", image), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"com.apple.security.app-sandbox: XML true, DER false",
		"com.apple.security.network.client: only in XML (true)",
		"com.apple.security.network.server: only in DER (true)",
	}
	if got := target.Slices[0].Mismatches; !reflect.DeepEqual(got, want) {
		t.Errorf("Mismatches =\n%q\nwant\n%q", got, want)
	}
	if !target.Entitlements.Bool(entitlements.KeyAppSandbox) {
		t.Error("effective entitlements do not come from the XML blob")
	}
}

func TestLoadXMLOnly(t *testing.T) {
	image := signedMachO(t, "arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML, NoDER: true})
	target, err := entitlements.Load(writeFile(t, "App", image), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	slice := target.Slices[0]
	if !slice.HasXML || slice.HasDER || slice.DER != nil || len(slice.Mismatches) != 0 {
		t.Errorf("HasXML %v HasDER %v DER %v Mismatches %v", slice.HasXML, slice.HasDER, slice.DER, slice.Mismatches)
	}
}

func fatMixed(t *testing.T) []byte {
	t.Helper()
	unsigned := signedMachO(t, "x86_64", fixture.Signing{Unsigned: true})
	signed := signedMachO(t, "arm64", fixture.Signing{Identifier: "com.example.tool", TeamID: "ABCDE12345", Entitlements: sandboxXML, Signer: developerID})
	fat, err := fixture.Fat(unsigned, signed)
	if err != nil {
		t.Fatal(err)
	}
	return fat
}

func TestLoadFatWithUnsignedSlice(t *testing.T) {
	target, err := entitlements.Load(writeFile(t, "tool", fatMixed(t)), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(target.Slices) != 2 {
		t.Fatalf("%d slices, want 2", len(target.Slices))
	}
	if s := target.Slices[0]; s.Arch != "x86_64" || s.Signed || s.Signature != entitlements.SignatureUnsigned {
		t.Errorf("slice 0 = %s signed %v %s", s.Arch, s.Signed, s.Signature)
	}
	if s := target.Slices[1]; s.Arch != "arm64" || !s.Signed || s.Identifier != "com.example.tool" {
		t.Errorf("slice 1 = %s signed %v %q", s.Arch, s.Signed, s.Identifier)
	}
	if target.BundleID != "com.example.tool" || !target.Entitlements.Bool(entitlements.KeyAppSandbox) {
		t.Errorf("effective slice is not the signed one: %q %v", target.BundleID, target.Entitlements)
	}
}

func TestLoadSliceSelection(t *testing.T) {
	path := writeFile(t, "tool", fatMixed(t))
	target, err := entitlements.Load(path, entitlements.LoadOptions{Slice: "arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if len(target.Slices) != 1 || target.Slices[0].Arch != "arm64" {
		t.Errorf("slices = %+v, want only arm64", target.Slices)
	}

	_, err = entitlements.Load(path, entitlements.LoadOptions{Slice: "x86_64"})
	if !errors.Is(err, entitlements.ErrUnsigned) {
		t.Errorf("x86_64 slice: error = %v, want ErrUnsigned", err)
	}
	if err == nil || !strings.Contains(err.Error(), "the x86_64 slice has no LC_CODE_SIGNATURE") {
		t.Errorf("x86_64 slice: error = %v, want it to name the unsigned slice", err)
	}
	var loadErr *entitlements.LoadError
	if !errors.As(err, &loadErr) || !strings.Contains(loadErr.Hint, "--slice with a signed architecture (arm64)") {
		t.Errorf("x86_64 slice: hint does not name the signed slice: %v", err)
	}
	_, err = entitlements.Load(path, entitlements.LoadOptions{Slice: "arm64e"})
	if err == nil || !strings.Contains(err.Error(), "no arm64e slice (the file has x86_64, arm64)") {
		t.Errorf("arm64e slice: error = %v", err)
	}

	plistPath := writeFile(t, "App.entitlements", []byte(sandboxXML))
	_, err = entitlements.Load(plistPath, entitlements.LoadOptions{Slice: "arm64"})
	if err == nil || !strings.Contains(err.Error(), "no arm64 slice: the file is not a Mach-O file") {
		t.Errorf("slice of a plist: error = %v", err)
	}
}

func TestLoadAppBundle(t *testing.T) {
	app := fixture.App{
		Name:          "Example",
		BundleID:      "com.example.App",
		Signing:       fixture.Signing{TeamID: "ABCDE12345", Entitlements: sandboxXML, Signer: "Apple Distribution: Example Corp (ABCDE12345)"},
		ProfileTeamID: "ABCDE12345",
		ProfileGroups: []string{"ABCDE12345.com.example.shared"},
		XPCServices:   []fixture.App{{Name: "Helper", BundleID: "com.example.App.Helper"}},
	}
	path, err := fixture.WriteApp(t.TempDir(), app)
	if err != nil {
		t.Fatal(err)
	}
	target, err := entitlements.Load(path, entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}

	if target.Kind != entitlements.KindApp || target.Path != path {
		t.Errorf("Kind %q Path %q", target.Kind, target.Path)
	}
	if target.BundleID != "com.example.App" || target.TeamID != "ABCDE12345" {
		t.Errorf("BundleID %q TeamID %q", target.BundleID, target.TeamID)
	}
	if want := filepath.Join(path, "Contents", "MacOS", "Example"); target.Executable != want {
		t.Errorf("Executable = %q, want %q", target.Executable, want)
	}
	if target.Distribution() != "mas" {
		t.Errorf("Distribution = %q", target.Distribution())
	}
	if target.Profile == nil {
		t.Fatal("no profile")
	}
	if target.Profile.TeamID != "ABCDE12345" || !reflect.DeepEqual(target.Profile.Groups, []string{"ABCDE12345.com.example.shared"}) {
		t.Errorf("Profile = %+v", target.Profile)
	}
	if !reflect.DeepEqual(target.Profile.Platforms, []string{"OSX"}) || target.Profile.Expires.Year() != 2027 {
		t.Errorf("Profile platforms %v expires %v", target.Profile.Platforms, target.Profile.Expires)
	}

	nested, err := entitlements.Load(filepath.Join(path, "Contents", "XPCServices", "Helper.xpc"), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if nested.BundleID != "com.example.App.Helper" || nested.Signature != entitlements.SignatureAdHoc {
		t.Errorf("XPC service: BundleID %q Signature %q", nested.BundleID, nested.Signature)
	}
}

func TestLoadEntitlementsFileVars(t *testing.T) {
	source := strings.Replace(sandboxXML, "ABCDE12345.", "$(TeamIdentifierPrefix)", 1)
	path := writeFile(t, "App.entitlements", []byte(source))

	target, err := entitlements.Load(path, entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if target.Kind != entitlements.KindEntitlementsFile || target.Signature != entitlements.SignatureUnknown {
		t.Errorf("Kind %q Signature %q", target.Kind, target.Signature)
	}
	if !reflect.DeepEqual(target.Unresolved, []string{"$(TeamIdentifierPrefix)"}) {
		t.Errorf("Unresolved = %v", target.Unresolved)
	}
	if groups := target.Entitlements.View().AppGroups; groups[0] != "$(TeamIdentifierPrefix)com.example.shared" {
		t.Errorf("placeholder not kept visible: %v", groups)
	}

	target, err = entitlements.Load(path, entitlements.LoadOptions{Vars: map[string]string{"TeamIdentifierPrefix": "ABCDE12345."}})
	if err != nil {
		t.Fatal(err)
	}
	if len(target.Unresolved) != 0 || target.Entitlements.View().AppGroups[0] != "ABCDE12345.com.example.shared" {
		t.Errorf("after --var: Unresolved %v groups %v", target.Unresolved, target.Entitlements.View().AppGroups)
	}
}

func TestLoadProfileFile(t *testing.T) {
	profile, err := fixture.Profile("Example", "ABCDE12345", []string{"ABCDE12345.a", "ABCDE12345.b"})
	if err != nil {
		t.Fatal(err)
	}
	// A profile named like an entitlements file is still read as a profile.
	target, err := entitlements.Load(writeFile(t, "odd.entitlements", profile), entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if target.Kind != entitlements.KindProfile || target.TeamID != "ABCDE12345" {
		t.Errorf("Kind %q TeamID %q", target.Kind, target.TeamID)
	}
	if !reflect.DeepEqual(target.Profile.Groups, []string{"ABCDE12345.a", "ABCDE12345.b"}) {
		t.Errorf("Groups = %v", target.Profile.Groups)
	}
}

// TestLoadBadInput checks that each malformed input gets a *LoadError that
// names the file and the fault.
func TestLoadBadInput(t *testing.T) {
	signed := signedMachO(t, "arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML, Signer: developerID})
	sigOffset, _, err := fixture.CodeSignatureRange(signed)
	if err != nil {
		t.Fatal(err)
	}
	fat64, err := fixture.Fat64(signed)
	if err != nil {
		t.Fatal(err)
	}
	pastEnd, err := fixture.WithBlobLengthPastEnd(signed)
	if err != nil {
		t.Fatal(err)
	}
	plainProfile := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!-- a fake profile -->
<plist version="1.0"><dict>
<key>DeveloperCertificates</key><array/>
<key>ExpirationDate</key><date>2030-01-01T00:00:00Z</date>
<key>TeamIdentifier</key><array><string>ABCDE12345</string></array>
</dict></plist>`)

	notBundle := t.TempDir()
	codeless := t.TempDir()
	mustWrite(t, filepath.Join(codeless, "Contents", "Info.plist"), `<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>com.example.codeless</string></dict></plist>`)
	mustWrite(t, filepath.Join(codeless, "Contents", "_CodeSignature", "CodeDirectory"), "\xfa\xde\x0c\x02")
	missingExecutable := t.TempDir()
	mustWrite(t, filepath.Join(missingExecutable, "Contents", "Info.plist"), `<plist version="1.0"><dict><key>CFBundleExecutable</key><string>Gone</string></dict></plist>`)

	for _, tc := range []struct {
		name    string
		path    string
		message string
	}{
		{"unsigned", writeFile(t, "unsigned", signedMachO(t, "arm64", fixture.Signing{Unsigned: true})), "no LC_CODE_SIGNATURE in any slice (unsigned build?)"},
		{"truncated signature", writeFile(t, "truncated", signed[:sigOffset+100]), "truncated: LC_CODE_SIGNATURE points at bytes"},
		{"truncated header", writeFile(t, "short", signed[:20]), "truncated: 20 bytes is too short for a Mach-O header"},
		{"truncated load commands", writeFile(t, "cut", signed[:100]), "truncated: the load commands need"},
		{"fat64", writeFile(t, "fat64", fat64), "64-bit fat header (magic 0xcafebabf) is not supported"},
		{"blob past end", writeFile(t, "pastend", pastEnd), "past the end of the"},
		{"empty", writeFile(t, "empty", nil), "the file is empty"},
		{"not a plist", writeFile(t, "notes.txt", []byte("hello")), "the property list's top level is a string, not a dictionary"},
		{"broken XML", writeFile(t, "broken.plist", []byte("<?xml version=\"1.0\"?><plist><dict><key>a</key>")), "invalid property list"},
		{"plain profile", writeFile(t, "fake.provisionprofile", plainProfile), "plain property list, not CMS-signed"},
		{"not a bundle", notBundle, "the folder is not a bundle"},
		{"codeless bundle", codeless, "no main executable (no CFBundleExecutable in Contents/Info.plist); its detached signature Contents/_CodeSignature/CodeDirectory signs resources only"},
		{"missing executable", missingExecutable, `the main executable "Gone" named by CFBundleExecutable in Contents/Info.plist is missing`},
		{"missing path", filepath.Join(notBundle, "nothing-here"), "no such file or directory"},
	} {
		_, err := entitlements.Load(tc.path, entitlements.LoadOptions{})
		if err == nil {
			t.Errorf("%s: Load succeeded", tc.name)
			continue
		}
		var loadErr *entitlements.LoadError
		if !errors.As(err, &loadErr) {
			t.Errorf("%s: error %T is not a *LoadError", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: error %q does not name the file", tc.name, err)
		}
		if !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.message)
		}
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// countingReader records how many bytes ReadMachO reads.
type countingReader struct {
	data  []byte
	size  int64
	bytes int64
}

// ReadAt serves data at the start and end of a large virtual file; the
// middle reads as zeros.
func (r *countingReader) ReadAt(p []byte, off int64) (int, error) {
	r.bytes += int64(len(p))
	for i := range p {
		p[i] = 0
	}
	if off < int64(len(r.data)) {
		copy(p, r.data[off:])
	}
	return len(p), nil
}

func TestReadMachOReadsOnlyHeadersAndSignature(t *testing.T) {
	image := signedMachO(t, "arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML, Signer: developerID})
	_, sigSize, err := fixture.CodeSignatureRange(image)
	if err != nil {
		t.Fatal(err)
	}
	reader := &countingReader{data: image, size: 1 << 40}
	if _, err := entitlements.ReadMachO(reader, reader.size); err != nil {
		t.Fatal(err)
	}
	if limit := int64(4096 + sigSize); reader.bytes > limit {
		t.Errorf("ReadMachO read %d bytes of a 1 TB file, more than the header page and the %d-byte signature", reader.bytes, sigSize)
	}
}

type byteReaderAt []byte

func (b byteReaderAt) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(b).ReadAt(p, off)
}

func bytesReader(data []byte) byteReaderAt { return byteReaderAt(data) }

// TestReadMachOHugeLengthFields checks that length fields far beyond the
// file are rejected before anything is allocated by them.
func TestReadMachOHugeLengthFields(t *testing.T) {
	signed := signedMachO(t, "arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: sandboxXML})
	sigOffset, _, err := fixture.CodeSignatureRange(signed)
	if err != nil {
		t.Fatal(err)
	}

	patch := func(offset int, value uint32, order binary.ByteOrder) []byte {
		out := append([]byte{}, signed...)
		order.PutUint32(out[offset:], value)
		return out
	}
	fatHeader := make([]byte, 4096)
	binary.BigEndian.PutUint32(fatHeader, 0xcafebabe)
	binary.BigEndian.PutUint32(fatHeader[4:], 0xffffffff)

	for _, tc := range []struct {
		name, message string
		data          []byte
	}{
		{"sizeofcmds", "truncated: the load commands need 4294967295 bytes", patch(20, 0xffffffff, binary.LittleEndian)},
		{"ncmds", "header declares 4294967295 load commands", patch(16, 0xffffffff, binary.LittleEndian)},
		{"superblob length", "SuperBlob declares 4294967295 bytes", patch(sigOffset+4, 0xffffffff, binary.BigEndian)},
		{"superblob count", "SuperBlob declares 4294967295 blobs", patch(sigOffset+8, 0xffffffff, binary.BigEndian)},
		{"fat arch count", "fat header declares 4294967295 architectures", fatHeader},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = entitlements.ReadMachO(bytesReader(tc.data), int64(len(tc.data)))
		runtime.ReadMemStats(&after)

		if err == nil || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%s: error = %v, want one containing %q", tc.name, err, tc.message)
		}
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a rejected %d-byte file", tc.name, allocated, len(tc.data))
		}
	}
}
