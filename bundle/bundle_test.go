package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
)

const infoPlist = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>CFBundleExecutable</key>
	<string>Example</string>
	<key>CFBundleIdentifier</key>
	<string>com.example.App</string>
	<key>CFBundlePackageType</key>
	<string>APPL</string>
</dict>
</plist>
`

func writeBundleFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenMacOSLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Example.app")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), infoPlist)
	writeBundleFile(t, filepath.Join(dir, "Contents", "MacOS", "Example"), "binary")
	writeBundleFile(t, filepath.Join(dir, "Contents", "embedded.provisionprofile"), "profile")

	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Layout != LayoutMacOS || b.ContentsDir != filepath.Join(dir, "Contents") {
		t.Errorf("Layout %q ContentsDir %q", b.Layout, b.ContentsDir)
	}
	if b.Info.Identifier != "com.example.App" || b.Info.Executable != "Example" || b.Info.PackageType != "APPL" {
		t.Errorf("Info = %+v", b.Info)
	}
	if want := filepath.Join(dir, "Contents", "MacOS", "Example"); b.Executable != want {
		t.Errorf("Executable = %q, want %q", b.Executable, want)
	}
	if want := filepath.Join(dir, "Contents", "embedded.provisionprofile"); b.ProfilePath != want {
		t.Errorf("ProfilePath = %q, want %q", b.ProfilePath, want)
	}
	if b.DetachedCodeDirectory != "" {
		t.Errorf("DetachedCodeDirectory = %q, want none", b.DetachedCodeDirectory)
	}
}

func TestOpenFrameworkLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Example.framework")
	writeBundleFile(t, filepath.Join(dir, "Versions", "A", "Resources", "Info.plist"), infoPlist)
	writeBundleFile(t, filepath.Join(dir, "Versions", "A", "Example"), "binary")
	if err := os.Symlink("A", filepath.Join(dir, "Versions", "Current")); err != nil {
		t.Fatal(err)
	}

	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Layout != LayoutFramework {
		t.Errorf("Layout = %q", b.Layout)
	}
	if want := filepath.Join(dir, "Versions", "Current", "Example"); b.Executable != want {
		t.Errorf("Executable = %q, want %q", b.Executable, want)
	}
}

func TestOpenShallowLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Example.app")
	writeBundleFile(t, filepath.Join(dir, "Info.plist"), infoPlist)
	writeBundleFile(t, filepath.Join(dir, "Example"), "binary")
	writeBundleFile(t, filepath.Join(dir, "embedded.mobileprovision"), "profile")

	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Layout != LayoutShallow || b.Executable != filepath.Join(dir, "Example") {
		t.Errorf("Layout %q Executable %q", b.Layout, b.Executable)
	}
	if b.ProfilePath != filepath.Join(dir, "embedded.mobileprovision") {
		t.Errorf("ProfilePath = %q", b.ProfilePath)
	}
}

func TestOpenCodelessBundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Resources.bundle")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), strings.Replace(infoPlist, "<key>CFBundleExecutable</key>\n\t<string>Example</string>\n", "", 1))
	writeBundleFile(t, filepath.Join(dir, "Contents", "_CodeSignature", "CodeDirectory"), "cd")

	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Info.Executable != "" || b.Executable != "" {
		t.Errorf("Info.Executable %q Executable %q, want none", b.Info.Executable, b.Executable)
	}
	if want := filepath.Join(dir, "Contents", "_CodeSignature", "CodeDirectory"); b.DetachedCodeDirectory != want {
		t.Errorf("DetachedCodeDirectory = %q, want %q", b.DetachedCodeDirectory, want)
	}
}

func TestOpenMissingExecutable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Example.app")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), infoPlist)

	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Info.Executable != "Example" || b.Executable != "" {
		t.Errorf("Info.Executable %q Executable %q", b.Info.Executable, b.Executable)
	}
}

func TestOpenNotBundle(t *testing.T) {
	dir := t.TempDir()
	writeBundleFile(t, filepath.Join(dir, "readme.txt"), "text")
	if IsBundle(dir) {
		t.Error("IsBundle = true for a plain folder")
	}
	if _, err := Open(dir); !errors.Is(err, ErrNotBundle) {
		t.Errorf("Open error = %v, want ErrNotBundle", err)
	}
	if _, err := Open(filepath.Join(dir, "readme.txt")); err == nil {
		t.Error("Open accepted a file")
	}
}

func TestOpenInvalidInfoPlist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Broken.app")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), "<plist><dict><key>CFBundleExecutable</key>")

	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "invalid Info.plist") {
		t.Errorf("error = %v, want an invalid Info.plist error", err)
	}
}

func TestOpenRejectsExecutablePath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Escape.app")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), strings.Replace(infoPlist, "<string>Example</string>", "<string>../../../outside</string>", 1))

	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), `invalid CFBundleExecutable "../../../outside"`) {
		t.Errorf("error = %v, want an invalid CFBundleExecutable error", err)
	}
}

func TestOpenRejectsSpecialInfoPlist(t *testing.T) {
	root := t.TempDir()
	fifoApp := filepath.Join(root, "Fifo.app")
	if err := os.MkdirAll(filepath.Join(fifoApp, "Contents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(fifoApp, "Contents", "Info.plist"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	loopApp := filepath.Join(root, "Loop.app")
	if err := os.MkdirAll(filepath.Join(loopApp, "Contents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("Info.plist", filepath.Join(loopApp, "Contents", "Info.plist")); err != nil {
		t.Fatal(err)
	}

	cases := map[string]string{
		fifoApp: "is not a regular file (mode p",
		loopApp: "cannot resolve",
	}
	for dir, want := range cases {
		_, err := Open(dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s) = %v, want an error containing %q", filepath.Base(dir), err, want)
		}
	}
}

func TestOpenRejectsDeepInfoPlist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Deep.app")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), strings.Repeat("(", 10_000))
	_, err := Open(dir)
	if !errors.Is(err, plistcheck.ErrTooDeep) {
		t.Fatalf("Open = %v, want a nesting error", err)
	}
}

func TestOpenRejectsOversizedInfoPlist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Big.app")
	path := filepath.Join(dir, "Contents", "Info.plist")
	writeBundleFile(t, path, "")
	if err := os.Truncate(path, maxInfoPlistSize+1); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Fatalf("Open = %v, want a size error", err)
	}
}

func TestOpenRejectsLinksOutOfBundle(t *testing.T) {
	cases := []struct {
		name string
		link string // path inside the bundle that becomes a link out
	}{
		{"Info.plist", filepath.Join("Contents", "Info.plist")},
		{"executable folder", filepath.Join("Contents", "MacOS")},
		{"executable", filepath.Join("Contents", "MacOS", "Example")},
		{"profile", filepath.Join("Contents", "embedded.provisionprofile")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "Example.app")
			writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), infoPlist)
			writeBundleFile(t, filepath.Join(dir, "Contents", "MacOS", "Example"), "binary")
			writeBundleFile(t, filepath.Join(dir, "Contents", "embedded.provisionprofile"), "profile")

			inside := filepath.Join(dir, tc.link)
			outside := filepath.Join(root, "outside")
			if err := os.Rename(inside, outside); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, inside); err != nil {
				t.Fatal(err)
			}

			_, err := Open(dir)
			if !errors.Is(err, ErrOutsideBundle) {
				t.Fatalf("Open = %v, want ErrOutsideBundle", err)
			}
		})
	}
}

func TestOpenFollowsLinksInsideBundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Example.app")
	writeBundleFile(t, filepath.Join(dir, "Contents", "Info.plist"), infoPlist)
	writeBundleFile(t, filepath.Join(dir, "Contents", "Resources", "Example"), "binary")
	if err := os.Symlink("Resources", filepath.Join(dir, "Contents", "MacOS")); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Executable == "" {
		t.Error("executable behind a link inside the bundle not found")
	}
}

// FuzzDecodeInfo starts from the seeds in testdata/fuzz/FuzzDecodeInfo and
// checks that no Info.plist content panics or stalls the decoder.
func FuzzDecodeInfo(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var info Info
		_ = decodeInfo(data, "Info.plist", &info)
	})
}
