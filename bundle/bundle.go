// Package bundle reads the layout of macOS and iOS bundles (.app, .appex,
// .xpc, .framework, and other CFBundle folders): the Info.plist, the main
// executable and the embedded provisioning profile.
//
// macOS bundles keep everything under Contents/. Frameworks keep it under
// Versions/Current/, with the Info.plist in Resources/. iOS bundles are
// shallow, with the Info.plist and the executable at the top.
package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"howett.net/plist"
)

// Layout is the shape of a bundle on disk.
type Layout string

const (
	LayoutMacOS     Layout = "macos"     // Contents/Info.plist, Contents/MacOS/<executable>
	LayoutFramework Layout = "framework" // Versions/Current/Resources/Info.plist, Versions/Current/<executable>
	LayoutShallow   Layout = "shallow"   // Info.plist and the executable at the top (iOS)
)

// maxInfoPlistSize bounds the Info.plist read into memory. Real ones are a
// few KB; 4 MB leaves room for large localised or generated ones.
const maxInfoPlistSize = 4 << 20

// Bundle is a bundle folder and the facts read from its Info.plist.
type Bundle struct {
	Path   string // the bundle folder as given
	Layout Layout
	// ContentsDir is the folder holding the Info.plist, the code signature
	// and the nested code: Path/Contents, Path/Versions/Current or Path.
	ContentsDir   string
	InfoPlistPath string
	Info          Info

	// Executable is the path of the main executable, "" when Info.plist
	// names none (codeless bundles) or when the file is missing.
	Executable string
	// ProfilePath is the embedded provisioning profile, "" when absent:
	// Contents/embedded.provisionprofile on macOS, embedded.mobileprovision
	// in shallow bundles.
	ProfilePath string
	// DetachedCodeDirectory is the path of _CodeSignature/CodeDirectory,
	// the detached signature a bundle without a Mach-O carries, "" when
	// absent.
	DetachedCodeDirectory string
}

// Info holds the Info.plist keys sockdoctor reads.
type Info struct {
	Identifier  string `plist:"CFBundleIdentifier"`
	Executable  string `plist:"CFBundleExecutable"`
	Name        string `plist:"CFBundleName"`
	PackageType string `plist:"CFBundlePackageType"`
	Version     string `plist:"CFBundleShortVersionString"`
}

// ErrNotBundle is returned by Open for a folder without an Info.plist in
// any of the bundle layouts.
var ErrNotBundle = errors.New("not a bundle: found no Contents/Info.plist, Resources/Info.plist or Info.plist")

// IsBundle reports whether dir has an Info.plist where one of the bundle
// layouts puts it.
func IsBundle(dir string) bool {
	_, _, err := locate(dir)
	return err == nil
}

// Open reads the bundle at dir.
func Open(dir string) (*Bundle, error) {
	layout, contents, err := locate(dir)
	if err != nil {
		return nil, err
	}

	b := &Bundle{Path: dir, Layout: layout, ContentsDir: contents}
	b.InfoPlistPath = infoPlistPath(layout, contents)
	if err := readInfo(b.InfoPlistPath, &b.Info); err != nil {
		return nil, err
	}

	if strings.ContainsAny(b.Info.Executable, `/\`) || b.Info.Executable == ".." {
		return nil, fmt.Errorf("invalid CFBundleExecutable %q in %s: expected a file name, not a path", b.Info.Executable, b.InfoPlistPath)
	}
	if b.Info.Executable != "" {
		executable := filepath.Join(executableDir(layout, contents), b.Info.Executable)
		if isFile(executable) {
			b.Executable = executable
		}
	}

	profileName := "embedded.provisionprofile"
	if layout == LayoutShallow {
		profileName = "embedded.mobileprovision"
	}
	if profile := filepath.Join(contents, profileName); isFile(profile) {
		b.ProfilePath = profile
	}
	if detached := filepath.Join(contents, "_CodeSignature", "CodeDirectory"); isFile(detached) {
		b.DetachedCodeDirectory = detached
	}
	return b, nil
}

// locate finds the layout of dir and its contents folder.
func locate(dir string) (Layout, string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return "", "", err
	}
	if !info.IsDir() {
		return "", "", errors.New("not a bundle: it is a file, not a folder")
	}

	contents := filepath.Join(dir, "Contents")
	if isFile(filepath.Join(contents, "Info.plist")) {
		return LayoutMacOS, contents, nil
	}
	current := filepath.Join(dir, "Versions", "Current")
	if isFile(filepath.Join(current, "Resources", "Info.plist")) {
		return LayoutFramework, current, nil
	}
	if isFile(filepath.Join(dir, "Resources", "Info.plist")) {
		return LayoutFramework, dir, nil
	}
	if isFile(filepath.Join(dir, "Info.plist")) {
		return LayoutShallow, dir, nil
	}
	return "", "", ErrNotBundle
}

func infoPlistPath(layout Layout, contents string) string {
	if layout == LayoutFramework {
		return filepath.Join(contents, "Resources", "Info.plist")
	}
	return filepath.Join(contents, "Info.plist")
}

// executableDir returns the folder that holds the main executable.
func executableDir(layout Layout, contents string) string {
	if layout == LayoutMacOS {
		return filepath.Join(contents, "MacOS")
	}
	return contents
}

func readInfo(path string, info *Info) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()

	stat, err := file.Stat()
	if err != nil {
		return err
	}
	if stat.Size() > maxInfoPlistSize {
		return fmt.Errorf("%s is %d bytes, more than the %d this reader accepts", path, stat.Size(), maxInfoPlistSize)
	}
	data := make([]byte, stat.Size())
	if _, err := file.ReadAt(data, 0); err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	if _, err := plist.Unmarshal(data, info); err != nil {
		return fmt.Errorf("invalid Info.plist %s: %w", path, err)
	}
	return nil
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}
