package bundle_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/sockdoctor/sockdoctor/bundle"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

func executable(t *testing.T, id string) []byte {
	t.Helper()
	image, err := fixture.MachO("arm64", fixture.Signing{Identifier: id})
	if err != nil {
		t.Fatal(err)
	}
	return image
}

// nestedApp writes an app with every kind of nested code the walk looks
// for, plus a symbolic link out of the bundle and a FIFO.
func nestedApp(t *testing.T) (root, outside string) {
	t.Helper()
	dir := t.TempDir()
	root, err := fixture.WriteApp(dir, fixture.App{
		Name: "Main", BundleID: "com.example.main",
		XPCServices: []fixture.App{{Name: "Relay", BundleID: "com.example.relay"}},
		PlugIns:     []fixture.App{{Name: "Share", BundleID: "com.example.share"}},
		LoginItems:  []fixture.App{{Name: "Launcher", BundleID: "com.example.launcher"}},
		Helpers:     []fixture.App{{Name: "tool", BundleID: "com.example.tool"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	contents := filepath.Join(root, "Contents")

	writeFile(t, filepath.Join(contents, "MacOS", "extra"), executable(t, "com.example.extra"))
	writeFile(t, filepath.Join(contents, "MacOS", "script.sh"), []byte("#!/bin/sh\n"))
	writeFile(t, filepath.Join(contents, "Library", "LaunchServices", "com.example.privileged"), executable(t, "com.example.privileged"))

	framework := filepath.Join(contents, "Frameworks", "Kit.framework")
	writeFile(t, filepath.Join(framework, "Versions", "A", "Helpers", "kit-helper"), executable(t, "com.example.kit-helper"))
	writeFile(t, filepath.Join(framework, "Versions", "A", "Autoupdate"), executable(t, "com.example.autoupdate"))
	if _, err := fixture.WriteApp(filepath.Join(framework, "Versions", "A", "Resources"), fixture.App{Name: "Updater", BundleID: "com.example.updater"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("A", filepath.Join(framework, "Versions", "Current")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("Versions/Current/Autoupdate", filepath.Join(framework, "Autoupdate")); err != nil {
		t.Fatal(err)
	}

	resources := filepath.Join(contents, "PlugIns", "Resources.bundle", "Contents")
	writeFile(t, filepath.Join(resources, "Info.plist"), []byte(`<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>com.example.resources</string></dict></plist>`))
	broken := filepath.Join(contents, "PlugIns", "Broken.appex", "Contents")
	writeFile(t, filepath.Join(broken, "Info.plist"), []byte(`<plist version="1.0"><dict><key>CFBundleExecutable</key><string>Broken</string></dict></plist>`))

	outside = filepath.Join(dir, "outside-tool")
	writeFile(t, outside, executable(t, "com.example.outside"))
	if err := os.Symlink(outside, filepath.Join(contents, "Helpers", "escape")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(contents, "Helpers", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, outside
}

func TestWalkFindsNestedCode(t *testing.T) {
	root, _ := nestedApp(t)
	result, err := bundle.Walk(root)
	if err != nil {
		t.Fatal(err)
	}

	got := map[string]bundle.Role{}
	var order []string
	for _, c := range result.Code {
		got[c.Rel] = c.Role
		order = append(order, c.Rel)
	}
	want := map[string]bundle.Role{
		"Main.app":                                                                    bundle.RoleMain,
		"Main.app/Contents/MacOS/extra":                                               bundle.RoleExecutable,
		"Main.app/Contents/XPCServices/Relay.xpc":                                     bundle.RoleXPCService,
		"Main.app/Contents/PlugIns/Share.appex":                                       bundle.RoleAppExtension,
		"Main.app/Contents/Library/LoginItems/Launcher.app":                           bundle.RoleLoginItem,
		"Main.app/Contents/Library/LaunchServices/com.example.privileged":             bundle.RoleLaunchService,
		"Main.app/Contents/Helpers/tool":                                              bundle.RoleHelper,
		"Main.app/Contents/Frameworks/Kit.framework/Versions/A/Autoupdate":            bundle.RoleFrameworkHelper,
		"Main.app/Contents/Frameworks/Kit.framework/Versions/A/Helpers/kit-helper":    bundle.RoleFrameworkHelper,
		"Main.app/Contents/Frameworks/Kit.framework/Versions/A/Resources/Updater.app": bundle.RoleFrameworkHelper,
	}
	for rel, role := range want {
		if got[rel] != role {
			t.Errorf("%s: role %q, want %q", rel, got[rel], role)
		}
	}
	if len(got) != len(want) {
		t.Errorf("walk found %d pieces of code, want %d: %v", len(got), len(want), order)
	}
	if order[0] != "Main.app" || result.Code[0].Parent != -1 {
		t.Errorf("first code = %q (parent %d), want the main app with parent -1", order[0], result.Code[0].Parent)
	}
	if result.Code[0].Executable != "Main.app/Contents/MacOS/Main" {
		t.Errorf("main executable = %q", result.Code[0].Executable)
	}
}

func TestWalkSkipsEscapesAndFIFOs(t *testing.T) {
	root, outside := nestedApp(t)
	result, err := bundle.Walk(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range result.Code {
		if strings.Contains(c.Rel, "escape") || strings.Contains(c.Rel, "pipe") || c.Path == outside {
			t.Errorf("walk listed %s", c.Rel)
		}
	}

	problems := map[string]error{}
	for _, p := range result.Problems {
		problems[p.Rel] = p.Err
	}
	if err := problems["Main.app/Contents/Helpers/escape"]; !errors.Is(err, bundle.ErrSymlinkEscapes) {
		t.Errorf("escaping link: problem %v, want ErrSymlinkEscapes", err)
	}
	if err := problems["Main.app/Contents/Helpers/pipe"]; !errors.Is(err, bundle.ErrNotRegular) {
		t.Errorf("FIFO: problem %v, want ErrNotRegular", err)
	}
	if err := problems["Main.app/Contents/PlugIns/Broken.appex"]; !errors.Is(err, bundle.ErrExecutableMissing) {
		t.Errorf("bundle without its executable: problem %v, want ErrExecutableMissing", err)
	}
	if err, found := problems["Main.app/Contents/PlugIns/Resources.bundle"]; found {
		t.Errorf("codeless resource bundle reported: %v", err)
	}
}

func TestWalkNestedParents(t *testing.T) {
	dir := t.TempDir()
	root, err := fixture.WriteApp(dir, fixture.App{
		Name: "Main", BundleID: "com.example.main",
		LoginItems: []fixture.App{{Name: "Launcher", BundleID: "com.example.launcher",
			Helpers: []fixture.App{{Name: "inner", BundleID: "com.example.inner"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	result, err := bundle.Walk(root)
	if err != nil {
		t.Fatal(err)
	}
	index := slices.IndexFunc(result.Code, func(c bundle.Code) bool {
		return c.Rel == "Main.app/Contents/Library/LoginItems/Launcher.app/Contents/Helpers/inner"
	})
	if index < 0 {
		t.Fatalf("helper of the login item not found: %+v", result.Code)
	}
	parent := result.Code[result.Code[index].Parent]
	if parent.Rel != "Main.app/Contents/Library/LoginItems/Launcher.app" {
		t.Errorf("parent of the inner helper = %q, want the login item", parent.Rel)
	}
}

func TestWalkUnreadableFolderReported(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads folders without search permission")
	}
	root, _ := nestedApp(t)
	helpers := filepath.Join(root, "Contents", "Helpers")
	if err := os.Chmod(helpers, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(helpers, 0o755) })

	result, err := bundle.Walk(root)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(result.Problems, func(p bundle.Problem) bool { return p.Rel == "Main.app/Contents/Helpers" }) {
		t.Errorf("unreadable Helpers folder not reported: %v", result.Problems)
	}
	if !slices.ContainsFunc(result.Code, func(c bundle.Code) bool { return c.Role == bundle.RoleXPCService }) {
		t.Errorf("walk stopped at the unreadable folder: %+v", result.Code)
	}
}

func TestWalkRejectsNonBundle(t *testing.T) {
	if _, err := bundle.Walk(t.TempDir()); !errors.Is(err, bundle.ErrNotBundle) {
		t.Errorf("Walk(empty folder) error = %v, want ErrNotBundle", err)
	}
}

func TestIsMachOExecutable(t *testing.T) {
	image := executable(t, "com.example.x")
	fat, err := fixture.Fat(image)
	if err != nil {
		t.Fatal(err)
	}
	dylib := append([]byte(nil), image...)
	dylib[12] = 6 // MH_DYLIB

	for _, c := range []struct {
		name string
		data []byte
		want bool
	}{
		{"thin executable", image, true},
		{"fat executable", fat, true},
		{"dylib", dylib, false},
		{"script", []byte("#!/bin/sh\necho hi\n"), false},
		{"java class", []byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0}, false},
		{"short", []byte{0xcf, 0xfa}, false},
	} {
		got, err := bundle.IsMachOExecutable(strings.NewReader(string(c.data)), int64(len(c.data)))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: IsMachOExecutable = %v, want %v", c.name, got, c.want)
		}
	}
}

func FuzzIsMachOExecutable(f *testing.F) {
	f.Add([]byte{0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 0x01, 0, 0, 0, 0, 2, 0, 0, 0})
	f.Add([]byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1, 1, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 16, 0, 0, 0, 14,
		0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 0x01, 0, 0, 0, 0, 2, 0, 0, 0})
	f.Add([]byte{0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = bundle.IsMachOExecutable(strings.NewReader(string(data)), int64(len(data)))
	})
}
