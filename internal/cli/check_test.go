package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/internal/fixture"
	"github.com/sockdoctor/sockdoctor/internal/sariftest"
)

// runMain runs sockdoctor in-process and returns the exit code and output.
func runMain(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	streams := &IO{
		In: strings.NewReader(""), Out: &stdout, Err: &stderr,
		Getenv: func(name string) string {
			if name == "HOME" {
				return home
			}
			return ""
		},
	}
	code := Main(args, streams)
	return code, stdout.String(), stderr.String()
}

// listenUnix starts a listener at path that lives until the test ends.
func listenUnix(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
}

func TestCheckCorpusDevSignedApp(t *testing.T) {
	app := filepath.Join("..", "..", "..", "shared", "corpus", "bundles", "DevSignedApp.app")
	if _, err := os.Stat(app); err != nil {
		t.Skipf("the fixture corpus is absent: %v", err)
	}
	home := t.TempDir()
	listenUnix(t, filepath.Join(home, ".docker", "run", "docker.sock"))

	code, out, errOut := runMain(t, home, "check", "--app", app, "--socket", "~/.docker/run/docker.sock")
	if code != ExitFindings {
		t.Errorf("exit code = %d, want %d; stderr %q", code, ExitFindings, errOut)
	}
	if !strings.Contains(out, "Sandbox: DENIED (outside-sandbox-reach)") {
		t.Errorf("output lacks the outside-sandbox-reach verdict:\n%s", out)
	}
	if !strings.Contains(out, "distribution developer-id") {
		t.Errorf("output does not read the Developer ID signature:\n%s", out)
	}
	if !strings.Contains(out, "XPC service or helper tool embedded in the app") {
		t.Errorf("output lacks the Developer ID workaround:\n%s", out)
	}
}

func TestCheckUnsearchableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which passes every permission check, so a folder without search permission cannot be shown")
	}
	home := t.TempDir()
	dir := filepath.Join(home, "Library", "Containers", "com.example.MyApp", "Data", "locked")
	listenUnix(t, filepath.Join(dir, "s.sock"))
	if err := os.Chmod(dir, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	ents := filepath.Join(home, "App.entitlements")
	plist := `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>` +
		`<key>com.apple.security.app-sandbox</key><true/></dict></plist>`
	if err := os.WriteFile(ents, []byte(plist), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runMain(t, home, "check", "--entitlements", ents, "--bundle-id", "com.example.MyApp",
		"--socket", filepath.Join(dir, "s.sock"))
	if code != ExitFindings {
		t.Errorf("exit code = %d, want %d; stderr %q", code, ExitFindings, errOut)
	}
	if !strings.Contains(out, "error   socket-permission:") {
		t.Errorf("output lacks socket-permission:\n%s", out)
	}
	if !strings.Contains(out, "cannot search the directory") {
		t.Errorf("output does not name the directory without search permission:\n%s", out)
	}
}

// writeSandboxedApp builds a signed sandboxed Developer ID app in dir.
func writeSandboxedApp(t *testing.T, dir string) string {
	t.Helper()
	app, err := fixture.WriteApp(dir, fixture.App{
		Name:     "MyApp",
		BundleID: "com.example.MyApp",
		Signing: fixture.Signing{
			Identifier: "com.example.MyApp",
			TeamID:     "ABCDE12345",
			Entitlements: `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>` +
				`<key>com.apple.security.app-sandbox</key><true/></dict></plist>`,
			Signer: "Developer ID Application: Example Corp (ABCDE12345)",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestCheckSARIFMatchesSchema(t *testing.T) {
	home := t.TempDir()
	listenUnix(t, filepath.Join(home, ".docker", "run", "docker.sock"))
	app := writeSandboxedApp(t, t.TempDir())
	code, out, errOut := runMain(t, home, "check", "--app", app, "--socket", "~/.docker/run/docker.sock", "--format", "sarif")
	if code != ExitFindings {
		t.Fatalf("exit code = %d, want %d; stderr %q", code, ExitFindings, errOut)
	}
	if err := sariftest.SchemaError(t, sarifSchemaFile, []byte(out)); err != nil {
		t.Errorf("SARIF output does not match the 2.1.0 schema: %v", err)
	}

	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 || log.Runs[0].Results[0].RuleID != "outside-sandbox-reach" {
		t.Errorf("first SARIF result is not outside-sandbox-reach: %+v", log.Runs)
	}
}

func TestCheckDockerEveryFormat(t *testing.T) {
	home := t.TempDir()
	listenUnix(t, filepath.Join(home, ".docker", "run", "docker.sock"))
	app := writeSandboxedApp(t, t.TempDir())

	wants := map[string]string{
		"text":     "Sandbox: DENIED (outside-sandbox-reach)",
		"json":     `"rule": "outside-sandbox-reach"`,
		"markdown": "## sockdoctor: denied (`outside-sandbox-reach`)",
		"sarif":    `"ruleId": "outside-sandbox-reach"`,
	}
	for format, want := range wants {
		code, out, errOut := runMain(t, home, "check", "--app", app, "--socket", "~/.docker/run/docker.sock", "--format", format)
		if code != ExitFindings {
			t.Errorf("%s: exit code = %d, want %d; stderr %q", format, code, ExitFindings, errOut)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s output lacks %q", format, want)
		}
	}
}
