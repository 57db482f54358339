package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
)

func init() {
	scriptCommandSet["entfixture"] = scriptEntitlementsFixture
}

const fixtureEntitlements = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.app-sandbox</key>
	<true/>
	<key>com.apple.security.application-groups</key>
	<array>
		<string>ABCDE12345.com.example.shared</string>
	</array>
</dict>
</plist>
`

const fixtureDeveloperID = "Developer ID Application: Example Corp (ABCDE12345)"

// entitlementsFixtures builds the named inputs of the entitlements scripts
// and tests. Each writes into dir and returns the path it wrote.
var entitlementsFixtures = map[string]func(dir string) (string, error){
	"devid-app": func(dir string) (string, error) {
		return fixture.WriteApp(dir, fixture.App{
			Name: "Example", BundleID: "com.example.App",
			Signing: fixture.Signing{TeamID: "ABCDE12345", Entitlements: fixtureEntitlements, Signer: fixtureDeveloperID, Runtime: true},
		})
	},
	"mas-app": func(dir string) (string, error) {
		return fixture.WriteApp(dir, fixture.App{
			Name: "Store", BundleID: "com.example.Store",
			Signing:       fixture.Signing{TeamID: "ABCDE12345", Entitlements: fixtureEntitlements, Signer: "Apple Distribution: Example Corp (ABCDE12345)"},
			ProfileTeamID: "ABCDE12345", ProfileGroups: []string{"ABCDE12345.com.example.shared"},
		})
	},
	"fat-mixed": func(dir string) (string, error) {
		unsigned, err := fixture.MachO("x86_64", fixture.Signing{Unsigned: true})
		if err != nil {
			return "", err
		}
		signed, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.tool", TeamID: "ABCDE12345", Entitlements: fixtureEntitlements, Signer: fixtureDeveloperID})
		if err != nil {
			return "", err
		}
		return writeEntitlementsFixture(dir, "fat-mixed", func() ([]byte, error) { return fixture.Fat(unsigned, signed) })
	},
	"der-mismatch": func(dir string) (string, error) {
		return writeEntitlementsFixture(dir, "der-mismatch", func() ([]byte, error) {
			// The XML blob claims the sandbox and a group, but the DER
			// blob turns the sandbox off.
			der, err := entitlements.EncodeDER(entitlements.Dict{entitlements.KeyAppSandbox: false})
			if err != nil {
				return nil, err
			}
			return fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", TeamID: "ABCDE12345", Entitlements: fixtureEntitlements, DER: der, Signer: fixtureDeveloperID})
		})
	},
	"unsigned": func(dir string) (string, error) {
		return writeEntitlementsFixture(dir, "unsigned", func() ([]byte, error) { return fixture.MachO("arm64", fixture.Signing{Unsigned: true}) })
	},
	"truncated": func(dir string) (string, error) {
		return writeEntitlementsFixture(dir, "truncated", func() ([]byte, error) {
			image, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: fixtureEntitlements, Signer: fixtureDeveloperID})
			if err != nil {
				return nil, err
			}
			offset, _, err := fixture.CodeSignatureRange(image)
			return image[:offset+64], err
		})
	},
	"fat64": func(dir string) (string, error) {
		return writeEntitlementsFixture(dir, "fat64", func() ([]byte, error) {
			image, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App"})
			if err != nil {
				return nil, err
			}
			return fixture.Fat64(image)
		})
	},
	"blob-past-end": func(dir string) (string, error) {
		return writeEntitlementsFixture(dir, "blob-past-end", func() ([]byte, error) {
			image, err := fixture.MachO("arm64", fixture.Signing{Identifier: "com.example.App", Entitlements: fixtureEntitlements, Signer: fixtureDeveloperID})
			if err != nil {
				return nil, err
			}
			return fixture.WithBlobLengthPastEnd(image)
		})
	},
}

func writeEntitlementsFixture(dir, name string, build func() ([]byte, error)) (string, error) {
	data, err := build()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, data, 0o755)
}

// scriptEntitlementsFixture is the script command "entfixture NAME": it
// writes the named fixture into the script's current folder.
func scriptEntitlementsFixture(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! entfixture")
	}
	if len(args) != 1 {
		ts.Fatalf("usage: entfixture NAME")
	}
	build, ok := entitlementsFixtures[args[0]]
	if !ok {
		ts.Fatalf("entfixture: unknown fixture %q", args[0])
	}
	if _, err := build(ts.MkAbs(".")); err != nil {
		ts.Fatalf("entfixture %s: %v", args[0], err)
	}
}

// runEntitlementsCommand runs sockdoctor in-process and returns its exit code and output.
func runEntitlementsCommand(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	streams := &IO{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(string) string { return "" }}
	code = Main(args, streams)
	return code, out.String(), errOut.String()
}

// TestEntitlementsBadInput checks the message and exit code of every kind of
// unreadable input.
func TestEntitlementsBadInput(t *testing.T) {
	dir := t.TempDir()
	notBundle := filepath.Join(dir, "folder")
	if err := os.Mkdir(notBundle, 0o755); err != nil {
		t.Fatal(err)
	}
	codeless := filepath.Join(dir, "Codeless.bundle")
	writeEntitlementsTestFile(t, filepath.Join(codeless, "Contents", "Info.plist"), `<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>com.example.codeless</string></dict></plist>`)
	writeEntitlementsTestFile(t, filepath.Join(codeless, "Contents", "_CodeSignature", "CodeDirectory"), "\xfa\xde\x0c\x02")
	plainProfile := filepath.Join(dir, "fake.provisionprofile")
	writeEntitlementsTestFile(t, plainProfile, `<?xml version="1.0" encoding="UTF-8"?>
<!-- fake -->
<plist version="1.0"><dict><key>DeveloperCertificates</key><array/><key>ExpirationDate</key><date>2030-01-01T00:00:00Z</date></dict></plist>`)

	for _, tc := range []struct {
		name, path, message, hint string
	}{
		{"unsigned", entitlementsFixturePath(t, dir, "unsigned"), "no LC_CODE_SIGNATURE in any slice (unsigned build?)", "sign the build"},
		{"truncated", entitlementsFixturePath(t, dir, "truncated"), "arm64 slice: truncated: LC_CODE_SIGNATURE points at bytes", "damaged"},
		{"fat64", entitlementsFixturePath(t, dir, "fat64"), "64-bit fat header (magic 0xcafebabf) is not supported", "damaged"},
		{"blob past end", entitlementsFixturePath(t, dir, "blob-past-end"), "past the end of the", "damaged"},
		{"not a bundle", notBundle, "the folder is not a bundle", "pass an .app"},
		{"codeless bundle", codeless, "its detached signature Contents/_CodeSignature/CodeDirectory signs resources only", "pass the bundle that contains the code"},
		{"plain profile", plainProfile, "plain property list, not CMS-signed", "CMS-signed .provisionprofile"},
		{"missing", filepath.Join(dir, "missing"), "no such file or directory", "check the path"},
	} {
		code, stdout, stderr := runEntitlementsCommand("entitlements", tc.path)
		if code != ExitUsage {
			t.Errorf("%s: exit code %d, want %d", tc.name, code, ExitUsage)
		}
		if stdout != "" {
			t.Errorf("%s: stdout = %q, want nothing", tc.name, stdout)
		}
		wantError := fmt.Sprintf("sockdoctor: error: cannot read entitlements from %q: ", tc.path)
		if !strings.HasPrefix(stderr, wantError) {
			t.Errorf("%s: stderr does not start with %q:\n%s", tc.name, wantError, stderr)
		}
		if !strings.Contains(stderr, tc.message) {
			t.Errorf("%s: stderr lacks %q:\n%s", tc.name, tc.message, stderr)
		}
		if !strings.Contains(stderr, "\nsockdoctor: hint: ") || !strings.Contains(stderr, tc.hint) {
			t.Errorf("%s: stderr lacks a hint with %q:\n%s", tc.name, tc.hint, stderr)
		}
	}
}

func TestEntitlementsUsageErrors(t *testing.T) {
	path := entitlementsFixturePath(t, t.TempDir(), "fat-mixed")
	for _, tc := range []struct {
		args    []string
		message string
	}{
		{[]string{"entitlements", "--format", "yaml", path}, `invalid --format "yaml"`},
		{[]string{"entitlements", "--var", "NOEQUALS", path}, `invalid --var "NOEQUALS": expected NAME=VALUE`},
		{[]string{"entitlements", "--slice", "ppc", path}, "no ppc slice (the file has x86_64, arm64)"},
		{[]string{"entitlements"}, "missing argument: sockdoctor entitlements takes 1 argument, got 0\nsockdoctor: hint: pass one .app"},
	} {
		code, _, stderr := runEntitlementsCommand(tc.args...)
		if code != ExitUsage {
			t.Errorf("%v: exit code %d, want %d", tc.args, code, ExitUsage)
		}
		if !strings.Contains(stderr, tc.message) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.message, stderr)
		}
	}
}

func entitlementsFixturePath(t *testing.T, dir, name string) string {
	t.Helper()
	path, err := entitlementsFixtures[name](dir)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func writeEntitlementsTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEntitlementsDevSignedApp prints the real Developer ID signed,
// sandboxed app from Sparkle's test resources. It is a Go test rather than
// a script because a script cannot skip when the corpus is absent.
func TestEntitlementsDevSignedApp(t *testing.T) {
	bundles := filepath.Join("..", "..", "..", "shared", "corpus", "bundles")
	if _, err := os.Stat(bundles); err != nil {
		t.Skipf("corpus not available at %s: %v", bundles, err)
	}
	t.Chdir(bundles)

	code, stdout, stderr := runEntitlementsCommand("entitlements", "DevSignedApp.app")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	want := `# DevSignedApp.app: app, com.zoo.SignedApp, team ZCK58M894E, signature developer-id, distribution developer-id, executable Contents/MacOS/SignedApp
# arm64: identifier com.zoo.SignedApp, team ZCK58M894E, signature developer-id, signer "Developer ID Application: Mayur Pawashe (ZCK58M894E)", flags none, hash sha256, XML and DER agree
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
	<dict>
		<key>com.apple.security.app-sandbox</key>
		<true/>
		<key>com.apple.security.files.user-selected.read-only</key>
		<true/>
	</dict>
</plist>
`
	if stdout != want {
		t.Errorf("stdout =\n%s\nwant\n%s", stdout, want)
	}

	t.Chdir(filepath.Join("..", "ios"))
	code, stdout, stderr = runEntitlementsCommand("entitlements", "very-capable-app.app")
	if code != ExitOK {
		t.Fatalf("very-capable-app.app: exit code %d, stderr:\n%s", code, stderr)
	}
	for _, line := range []string{
		`# arm64: identifier org.fastlane.very-capable-app, team none, signature unknown, signer "TestFixture", flags none, hash sha1, XML only (no DER blob)`,
		`# embedded profile "org.fastlane.very-capable-app Development": team TestFixture, platforms iOS, expires 2019-04-07T01:27:21Z, groups none`,
	} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("very-capable-app.app: stdout lacks %q:\n%s", line, stdout)
		}
	}
}
