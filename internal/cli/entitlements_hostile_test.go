package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sockdoctor/sockdoctor/internal/fixture"
)

// hostileInputs builds, in dir, inputs made to crash, hang or mislead
// the readers, and returns the path to pass for each case name.
func hostileInputs(t *testing.T, dir string) map[string]string {
	t.Helper()
	write := func(rel string, data []byte) string {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	mkfifo := func(rel string) string {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skipf("cannot make a FIFO here: %v", err)
		}
		return path
	}
	symlink := func(target, rel string) {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
	}

	inputs := map[string]string{
		"deep XML":      write("deep.plist", []byte("<plist><dict><key>a</key>"+strings.Repeat("<array>", 20_000)+strings.Repeat("</array>", 20_000)+"</dict></plist>")),
		"deep OpenStep": write("deep.strings", []byte(strings.Repeat("(", 100_000))),
		"FIFO":          mkfifo("fifo.entitlements"),
	}

	inputs["deep Info.plist"] = filepath.Join(dir, "Deep.app")
	write("Deep.app/Contents/Info.plist", []byte(strings.Repeat("(", 100_000)))

	inputs["FIFO Info.plist"] = filepath.Join(dir, "Fifo.app")
	mkfifo("Fifo.app/Contents/Info.plist")

	inputs["Info.plist loop"] = filepath.Join(dir, "Loop.app")
	symlink("Info.plist", "Loop.app/Contents/Info.plist")

	inputs["Info.plist device"] = filepath.Join(dir, "Zero.app")
	symlink("/dev/zero", "Zero.app/Contents/Info.plist")

	app, err := fixture.WriteApp(dir, fixture.App{
		Name: "Escape", BundleID: "com.example.Escape",
		Signing: fixture.Signing{TeamID: "ABCDE12345", Entitlements: fixtureEntitlements, Signer: fixtureDeveloperID},
	})
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(dir, "outside")
	if err := os.Rename(filepath.Join(app, "Contents", "MacOS"), outside); err != nil {
		t.Fatal(err)
	}
	symlink(outside, filepath.Join(filepath.Base(app), "Contents", "MacOS"))
	inputs["executable outside"] = app

	// /proc/self/mem is a regular file whose reads at offset 0 fail.
	if _, err := os.Stat("/proc/self/mem"); err == nil {
		inputs["unreadable special file"] = "/proc/self/mem"
	}
	return inputs
}

// TestEntitlementsHostileInput checks that inputs built to crash or hang a
// reader get an input error (exit 2) that names the input and a hint.
func TestEntitlementsHostileInput(t *testing.T) {
	dir := t.TempDir()
	inputs := hostileInputs(t, dir)
	wants := map[string]string{
		"deep XML":                "XML property list is nested more than 128 levels deep",
		"deep OpenStep":           "OpenStep property list is nested more than 128 levels deep",
		"FIFO":                    "not a regular file or folder (mode p",
		"deep Info.plist":         "OpenStep property list is nested more than 128 levels deep",
		"FIFO Info.plist":         "is not a regular file (mode p",
		"Info.plist loop":         "cannot resolve",
		"Info.plist device":       "resolves to a path outside the bundle",
		"executable outside":      "Contents/MacOS/Escape resolves to a path outside the bundle",
		"unreadable special file": "input/output error",
	}
	for name, path := range inputs {
		for _, format := range []string{"plist", "json"} {
			code, stdout, stderr := runEntitlementsCommand("entitlements", "--format", format, path)
			if code != ExitUsage {
				t.Errorf("%s, %s: exit code %d, want %d", name, format, code, ExitUsage)
			}
			if stdout != "" {
				t.Errorf("%s, %s: stdout %q, want none", name, format, stdout)
			}
			if !strings.Contains(stderr, "cannot read entitlements from \""+path+"\"") {
				t.Errorf("%s, %s: stderr does not name the input:\n%s", name, format, stderr)
			}
			if !strings.Contains(stderr, wants[name]) {
				t.Errorf("%s, %s: stderr lacks %q:\n%s", name, format, wants[name], stderr)
			}
			if !strings.Contains(stderr, "sockdoctor: hint: ") {
				t.Errorf("%s, %s: stderr has no hint:\n%s", name, format, stderr)
			}
		}
	}
}

// TestHostileInputEveryCommand checks that the commands that read
// entitlements report a too-deep plist as an input error naming the file.
func TestHostileInputEveryCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "deep.plist")
	if err := os.WriteFile(path, []byte(strings.Repeat("<array>", 20_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	socketPath := filepath.Join(dir, "missing.sock")
	commands := [][]string{
		{"entitlements", path},
		{"lint", path},
		{"check", "--entitlements", path, "--socket", socketPath},
		{"check", "--app", path, "--socket", socketPath},
	}
	for _, args := range commands {
		code, _, stderr := runEntitlementsCommand(args...)
		if code != ExitUsage {
			t.Errorf("%v: exit code %d, want %d", args, code, ExitUsage)
		}
		if !strings.Contains(stderr, `"`+path+`"`) {
			t.Errorf("%v: stderr does not name the file:\n%s", args, stderr)
		}
		if !strings.Contains(stderr, "nested more than 128 levels deep") {
			t.Errorf("%v: stderr lacks the nesting error:\n%s", args, stderr)
		}
	}
}
