package entitlements_test

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	macho "github.com/blacktop/go-macho"

	"github.com/sockdoctor/sockdoctor/entitlements"
)

// corpusDir returns the fixture corpus kept beside the repository, or skips
// the test where it is absent.
func corpusDir(t *testing.T, sub ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{"..", "..", "shared", "corpus"}, sub...)...)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not available at %s: %v", dir, err)
	}
	return dir
}

func TestCorpusDevSignedApp(t *testing.T) {
	path := filepath.Join(corpusDir(t, "bundles"), "DevSignedApp.app")
	target, err := entitlements.Load(path, entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if target.TeamID != "ZCK58M894E" || target.BundleID != "com.zoo.SignedApp" {
		t.Errorf("TeamID %q BundleID %q", target.TeamID, target.BundleID)
	}
	if target.Signature != entitlements.SignatureDeveloperID {
		t.Errorf("Signature = %q", target.Signature)
	}
	if !target.Entitlements.View().Sandboxed {
		t.Error("not sandboxed")
	}
	want := []string{"com.apple.security.app-sandbox", "com.apple.security.files.user-selected.read-only"}
	if got := target.Entitlements.Keys(); !reflect.DeepEqual(got, want) {
		t.Errorf("keys = %v, want %v", got, want)
	}
	slice := target.Slices[0]
	if !slice.HasXML || !slice.HasDER || len(slice.Mismatches) != 0 {
		t.Errorf("XML %v DER %v Mismatches %v", slice.HasXML, slice.HasDER, slice.Mismatches)
	}
	if slice.SignerCommonName != "Developer ID Application: Mayur Pawashe (ZCK58M894E)" {
		t.Errorf("SignerCommonName = %q", slice.SignerCommonName)
	}
	if target.Profile != nil {
		t.Errorf("Profile = %+v, want none", target.Profile)
	}
}

// sliceWant is what a corpus Mach-O slice must read as.
type sliceWant struct {
	arch, identifier, team string
	flags                  []string
	signature              entitlements.SignatureKind
	keys                   int  // number of entitlement keys
	der                    bool // XML and DER blobs both present and agreeing
}

var jitKeys = 5 // allow-jit, allow-unsigned-executable-memory, allow-dyld-environment-variables, disable-library-validation, disable-executable-page-protection

// corpusMachO lists the Mach-O files of the corpus with the values their
// provenance notes give.
var corpusMachO = map[string][]sliceWant{
	"macho-zeroed/bun-1.4.5-darwin-arm64.zeroed.gz": {
		{"arm64", "bun", "7FRXF46ZSN", []string{"runtime"}, entitlements.SignatureDeveloperID, jitKeys, true}},
	"macho-zeroed/deno-2.9.6-darwin-arm64.zeroed.gz": {
		{"arm64", "deno", "2H4KBF436B", []string{"runtime"}, entitlements.SignatureDeveloperID, jitKeys, true}},
	"macho-zeroed/node-18.9.0-darwin-arm64.zeroed.gz": {
		{"arm64", "node", "HX7739G8FX", []string{"runtime"}, entitlements.SignatureDeveloperID, jitKeys + 1, true}},
	"macho-zeroed/sentry-cli-3.8.0-darwin-universal.zeroed.gz": {
		{"x86_64", "sentry-cli-Darwin-universal", "97JCY7859U", []string{"runtime"}, entitlements.SignatureDeveloperID, 0, true},
		{"arm64", "sentry_cli-ed605fe0983d3ac0", "97JCY7859U", []string{"runtime"}, entitlements.SignatureDeveloperID, 0, true}},
	"macho-zeroed/esbuild-0.28.2-darwin-arm64.zeroed.gz": {
		{"arm64", "a.out", "", []string{"adhoc", "linker-signed"}, entitlements.SignatureAdHoc, 0, false}},
	"npm-small/fsevents-2.3.3.node": {
		{"x86_64", "", "", nil, entitlements.SignatureUnsigned, 0, false},
		{"arm64", "fsevents.node", "", []string{"adhoc", "linker-signed"}, entitlements.SignatureAdHoc, 0, false}},
	"npm-small/get-windows-9.3.0-main-universal": {
		{"x86_64", "", "", nil, entitlements.SignatureUnsigned, 0, false},
		{"arm64", "get-windows", "", []string{"adhoc", "linker-signed"}, entitlements.SignatureAdHoc, 0, false}},
	"npm-small/file-icon-6.0.0-universal": {
		{"x86_64", "", "", nil, entitlements.SignatureUnsigned, 0, false},
		{"arm64", "file-icon", "", []string{"adhoc", "linker-signed"}, entitlements.SignatureAdHoc, 0, false}},
}

func TestCorpusMachO(t *testing.T) {
	corpus := corpusDir(t)
	names := make([]string, 0, len(corpusMachO))
	for name := range corpusMachO {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := filepath.Join(corpus, name)
			if strings.HasSuffix(name, ".gz") {
				path = gunzip(t, path)
			}
			target, err := entitlements.Load(path, entitlements.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := corpusMachO[name]
			if len(target.Slices) != len(want) {
				t.Fatalf("%d slices, want %d", len(target.Slices), len(want))
			}
			for i, w := range want {
				checkSlice(t, target.Slices[i], w)
			}
		})
	}
}

func checkSlice(t *testing.T, got entitlements.Slice, want sliceWant) {
	t.Helper()
	if got.Arch != want.arch || got.Identifier != want.identifier || got.TeamID != want.team {
		t.Errorf("slice %s %q team %q, want %s %q team %q", got.Arch, got.Identifier, got.TeamID, want.arch, want.identifier, want.team)
	}
	if len(got.Flags) != 0 || len(want.flags) != 0 {
		if !reflect.DeepEqual(got.Flags, want.flags) {
			t.Errorf("%s flags = %v, want %v", got.Arch, got.Flags, want.flags)
		}
	}
	if got.Signature != want.signature {
		t.Errorf("%s signature = %q, want %q", got.Arch, got.Signature, want.signature)
	}
	if n := len(got.Entitlements()); n != want.keys {
		t.Errorf("%s has %d entitlements, want %d", got.Arch, n, want.keys)
	}
	if want.der && (!got.HasXML || !got.HasDER || len(got.Mismatches) != 0) {
		t.Errorf("%s XML %v DER %v Mismatches %v, want both agreeing", got.Arch, got.HasXML, got.HasDER, got.Mismatches)
	}
}

func TestCorpusUnsigned(t *testing.T) {
	corpus := corpusDir(t)
	for _, name := range []string{"npm-small/get-windows-9.3.0-node-active-win-x64.node", "bundles/terminal-notifier.app"} {
		_, err := entitlements.Load(filepath.Join(corpus, name), entitlements.LoadOptions{})
		if !errors.Is(err, entitlements.ErrUnsigned) {
			t.Errorf("%s: error = %v, want ErrUnsigned", name, err)
		}
	}
}

func TestCorpusCodelessBundles(t *testing.T) {
	corpus := corpusDir(t, "bundles", "sparkle-codeless")
	for name, message := range map[string]string{
		"CodeSignedBoth.bundle": "its detached signature Contents/_CodeSignature/CodeDirectory signs resources only",
		"None.bundle":           "the bundle has no main executable",
	} {
		_, err := entitlements.Load(filepath.Join(corpus, name), entitlements.LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), message) {
			t.Errorf("%s: error = %v, want one containing %q", name, err, message)
		}
	}
}

func TestCorpusLegacyDER(t *testing.T) {
	dir := corpusDir(t, "superblobs")
	data, err := os.ReadFile(filepath.Join(dir, "node-18.9.0.arm64.ent.der"))
	if err != nil {
		t.Fatal(err)
	}
	if data[0] != 0x31 {
		t.Fatalf("node's DER blob starts with 0x%02x, not the legacy bare SET", data[0])
	}
	der, err := entitlements.DecodeDER(data)
	if err != nil {
		t.Fatal(err)
	}
	xmlData, err := os.ReadFile(filepath.Join(dir, "node-18.9.0.arm64.ent.xml"))
	if err != nil {
		t.Fatal(err)
	}
	xml, err := entitlements.ParsePlist(xmlData)
	if err != nil {
		t.Fatal(err)
	}
	if diff := entitlements.CompareDicts(xml, der); len(diff) != 0 {
		t.Errorf("legacy DER and XML differ: %v", diff)
	}
	if !der.Bool("com.apple.security.get-task-allow") {
		t.Error("get-task-allow is not true in the legacy DER blob")
	}
}

// TestCorpusEncodeDER checks that EncodeDER reproduces codesign's current
// shape byte for byte from the XML of every slice that has both blobs.
func TestCorpusEncodeDER(t *testing.T) {
	dir := corpusDir(t, "superblobs")
	for _, name := range []string{"sparkle-DevSignedApp.arm64", "bun-1.4.5.arm64", "deno-2.9.6.arm64", "sentry-cli-3.8.0.arm64"} {
		xmlData, err := os.ReadFile(filepath.Join(dir, name+".ent.xml"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, name+".ent.der"))
		if err != nil {
			t.Fatal(err)
		}
		xml, err := entitlements.ParsePlist(xmlData)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := entitlements.EncodeDER(xml)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: EncodeDER differs from codesign's blob\n got %x\nwant %x", name, got, want)
		}
	}
}

func TestCorpusVeryCapableApp(t *testing.T) {
	path := filepath.Join(corpusDir(t, "ios"), "very-capable-app.app")
	target, err := entitlements.Load(path, entitlements.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(target.Entitlements); n != 24 {
		t.Errorf("%d entitlements, want 24", n)
	}
	if target.BundleID != "org.fastlane.very-capable-app" || target.TeamID != "" {
		t.Errorf("BundleID %q TeamID %q", target.BundleID, target.TeamID)
	}
	slice := target.Slices[0]
	if !slice.HasXML || slice.HasDER || slice.HashType != "sha1" {
		t.Errorf("XML %v DER %v hash %s", slice.HasXML, slice.HasDER, slice.HashType)
	}
	if slice.SignerCommonName != "TestFixture" || slice.Signature != entitlements.SignatureUnknown {
		t.Errorf("signer %q signature %q", slice.SignerCommonName, slice.Signature)
	}
	if got := target.Entitlements["com.apple.developer.team-identifier"]; got != "TestFixture" {
		t.Errorf("team-identifier entitlement = %#v", got)
	}
	if target.Profile == nil || target.Profile.TeamID != "TestFixture" {
		t.Errorf("embedded.mobileprovision: %+v", target.Profile)
	}
}

func TestCorpusProfiles(t *testing.T) {
	dir := corpusDir(t, "profiles")
	for name, platform := range map[string]string{
		"fastlane-match-test.provisionprofile":                 "OSX",
		"fastlane-AppStore_tools.fastlane.app.mobileprovision": "iOS",
	} {
		target, err := entitlements.Load(filepath.Join(dir, name), entitlements.LoadOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if target.Kind != entitlements.KindProfile || target.TeamID != "439BBM9367" {
			t.Errorf("%s: Kind %q TeamID %q", name, target.Kind, target.TeamID)
		}
		if !reflect.DeepEqual(target.Profile.Platforms, []string{platform}) {
			t.Errorf("%s: Platforms = %v", name, target.Profile.Platforms)
		}
		if len(target.Profile.Groups) != 0 {
			t.Errorf("%s: Groups = %v, the profile authorises none", name, target.Profile.Groups)
		}
		if got := target.Entitlements["com.apple.developer.team-identifier"]; got != "439BBM9367" {
			t.Errorf("%s: team-identifier = %#v", name, got)
		}
	}

	_, err := entitlements.Load(filepath.Join(dir, "rules_apple-integration_testing_macos.provisionprofile"), entitlements.LoadOptions{})
	if !errors.Is(err, entitlements.ErrPlainProfile) {
		t.Errorf("rules_apple profile: error = %v, want ErrPlainProfile", err)
	}
}

// sourceFacts is the key-contents column of the corpus SOURCES.md for one
// entitlements file.
type sourceFacts struct {
	sandboxed               bool
	groups                  []string
	client, server, inherit bool
	exceptionKinds          []string
}

// readSources parses the file table of SOURCES.md: the file name is the
// first column and the key contents the last one, a ";"-separated list
// such as "sandbox; groups=`X`; network.client; te.sbpl".
func readSources(t *testing.T, path string) map[string]sourceFacts {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()

	facts := map[string]sourceFacts{}
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		columns := strings.Split(scanner.Text(), "|")
		if len(columns) != 7 || !strings.HasSuffix(strings.Trim(strings.TrimSpace(columns[1]), "`"), ".entitlements") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(columns[1]), "`")
		var f sourceFacts
		for _, part := range strings.Split(columns[5], ";") {
			part = strings.TrimSpace(part)
			switch {
			case part == "sandbox":
				f.sandboxed = true
			case strings.HasPrefix(part, "groups="):
				f.groups = []string{strings.Trim(strings.TrimPrefix(part, "groups="), "`")}
			case part == "network.client":
				f.client = true
			case part == "network.server":
				f.server = true
			case part == "inherit":
				f.inherit = true
			case strings.HasPrefix(part, "te."):
				for _, kind := range strings.Fields(part) {
					f.exceptionKinds = append(f.exceptionKinds, strings.TrimPrefix(kind, "te."))
				}
			}
		}
		sort.Strings(f.exceptionKinds)
		facts[name] = f
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return facts
}

func TestCorpusEntitlementsFiles(t *testing.T) {
	dir := corpusDir(t, "entitlements")
	facts := readSources(t, filepath.Join(dir, "SOURCES.md"))
	paths, err := filepath.Glob(filepath.Join(dir, "*.entitlements"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 69 {
		t.Errorf("found %d entitlements files, want 69", len(paths))
	}

	for _, path := range paths {
		name := filepath.Base(path)
		target, err := entitlements.Load(path, entitlements.LoadOptions{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want, listed := facts[name]
		if !listed {
			t.Errorf("%s: not listed in SOURCES.md", name)
			continue
		}
		view := target.Entitlements.View()
		var kinds []string
		for _, e := range view.Exceptions {
			kinds = append(kinds, e.Kind)
		}
		got := sourceFacts{view.Sandboxed, view.AppGroups, view.NetworkClient, view.NetworkServer, view.Inherit, kinds}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: view %+v, SOURCES.md says %+v", name, got, want)
		}
		if len(view.TypeProblems) != 0 {
			t.Errorf("%s: TypeProblems %v", name, view.TypeProblems)
		}
	}
}

// gunzip expands a gzip file into the test's temporary folder.
func gunzip(t *testing.T, path string) string {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	reader, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	outPath := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(path), ".gz"))
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, reader); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return outPath
}

// TestCorpusMatchesGoMacho compares the reader with go-macho's parser, an
// independent implementation, on every signed corpus slice: identifier,
// Team ID and both entitlements blobs.
func TestCorpusMatchesGoMacho(t *testing.T) {
	corpus := corpusDir(t)
	names := make([]string, 0, len(corpusMachO))
	for name := range corpusMachO {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := filepath.Join(corpus, name)
			if strings.HasSuffix(name, ".gz") {
				path = gunzip(t, path)
			}
			target, err := entitlements.Load(path, entitlements.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			files := goMachoSlices(t, path)
			if len(files) != len(target.Slices) {
				t.Fatalf("go-macho finds %d slices, the reader %d", len(files), len(target.Slices))
			}
			for i, file := range files {
				compareWithGoMacho(t, target.Slices[i], file)
			}
		})
	}
}

// goMachoSlices opens path with go-macho as a fat file, or as a thin one
// when it is not fat.
func goMachoSlices(t *testing.T, path string) []*macho.File {
	t.Helper()
	fat, err := macho.OpenFat(path)
	if err == nil {
		t.Cleanup(func() { fat.Close() })
		files := make([]*macho.File, len(fat.Arches))
		for i := range fat.Arches {
			files[i] = fat.Arches[i].File
		}
		return files
	}
	if !errors.Is(err, macho.ErrNotFat) {
		t.Fatalf("go-macho: %v", err)
	}
	file, err := macho.Open(path)
	if err != nil {
		t.Fatalf("go-macho: %v", err)
	}
	t.Cleanup(func() { file.Close() })
	return []*macho.File{file}
}

func compareWithGoMacho(t *testing.T, slice entitlements.Slice, file *macho.File) {
	t.Helper()
	signature := file.CodeSignature()
	if signature == nil {
		if slice.Signed {
			t.Errorf("%s: go-macho finds no signature, the reader does", slice.Arch)
		}
		return
	}
	directory := signature.CodeDirectories[0]
	if slice.Identifier != directory.ID || slice.TeamID != directory.TeamID {
		t.Errorf("%s: reader %q team %q, go-macho %q team %q", slice.Arch, slice.Identifier, slice.TeamID, directory.ID, directory.TeamID)
	}
	if slice.HasXML != (signature.Entitlements != "") || slice.HasDER != (len(signature.EntitlementsDER) > 0) {
		t.Errorf("%s: reader XML %v DER %v, go-macho XML %d bytes DER %d bytes", slice.Arch, slice.HasXML, slice.HasDER, len(signature.Entitlements), len(signature.EntitlementsDER))
	}
	if slice.HasXML {
		xml, err := entitlements.ParsePlist([]byte(signature.Entitlements))
		if err != nil {
			t.Fatal(err)
		}
		if diff := entitlements.CompareDicts(xml, slice.XML); len(diff) != 0 {
			t.Errorf("%s: XML blob differs from go-macho's: %v", slice.Arch, diff)
		}
	}
	if slice.HasDER {
		der, err := entitlements.DecodeDER(signature.EntitlementsDER)
		if err != nil {
			t.Fatal(err)
		}
		if diff := entitlements.CompareDicts(der, slice.DER); len(diff) != 0 {
			t.Errorf("%s: DER blob differs from go-macho's: %v", slice.Arch, diff)
		}
	}
}
