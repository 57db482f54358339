package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
