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
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"howett.net/plist"

	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
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

// ErrOutsideBundle is wrapped by the error Open returns when the Info.plist,
// the main executable or the embedded profile resolves, through symbolic
// links, to a path outside the bundle. Reading it would report on a file
// the bundle does not ship.
var ErrOutsideBundle = errors.New("resolves to a path outside the bundle; symbolic links out of a bundle are not followed")

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
	if err := checkInside(dir, b.InfoPlistPath); err != nil {
		return nil, err
	}
	if err := readInfo(b.InfoPlistPath, &b.Info); err != nil {
		return nil, err
	}

	if strings.ContainsAny(b.Info.Executable, `/\`) || b.Info.Executable == ".." {
		return nil, fmt.Errorf("invalid CFBundleExecutable %q in %s: expected a file name, not a path", b.Info.Executable, b.InfoPlistPath)
	}
	if b.Info.Executable != "" {
		executable := filepath.Join(executableDir(layout, contents), b.Info.Executable)
		if isFile(executable) {
			if err := checkInside(dir, executable); err != nil {
				return nil, err
			}
			b.Executable = executable
		}
	}

	profileName := "embedded.provisionprofile"
	if layout == LayoutShallow {
		profileName = "embedded.mobileprovision"
	}
	if profile := filepath.Join(contents, profileName); isFile(profile) {
		if err := checkInside(dir, profile); err != nil {
			return nil, err
		}
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

	// An Info.plist that exists but is not a readable regular file (a
	// FIFO, a device, a symbolic link loop) still marks the layout, so
	// readInfo can report what is wrong with it.
	contents := filepath.Join(dir, "Contents")
	if exists(filepath.Join(contents, "Info.plist")) {
		return LayoutMacOS, contents, nil
	}
	current := filepath.Join(dir, "Versions", "Current")
	if exists(filepath.Join(current, "Resources", "Info.plist")) {
		return LayoutFramework, current, nil
	}
	if exists(filepath.Join(dir, "Resources", "Info.plist")) {
		return LayoutFramework, dir, nil
	}
	if exists(filepath.Join(dir, "Info.plist")) {
		return LayoutShallow, dir, nil
	}
	return "", "", ErrNotBundle
}

// checkInside returns an error wrapping ErrOutsideBundle when path, with
// symbolic links resolved, is not inside the bundle folder dir.
func checkInside(dir, path string) error {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	realPath, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("cannot resolve %s: %w", path, err)
	}
	rel, err := filepath.Rel(realDir, realPath)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s %w (target %s)", path, ErrOutsideBundle, realPath)
	}
	return nil
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

// readInfo decodes the Info.plist at path. It opens the file without
// blocking and checks that it is a regular file before reading, so a FIFO
// or a device in its place fails at once, and it reads at most
// maxInfoPlistSize bytes.
func readInfo(path string, info *Info) error {
	file, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("cannot read Info.plist: %w", err)
	}
	defer file.Close()

	stat, err := file.Stat()
	if err != nil {
		return fmt.Errorf("cannot read Info.plist: %w", err)
	}
	if !stat.Mode().IsRegular() {
		return fmt.Errorf("Info.plist %s is not a regular file (mode %s)", path, stat.Mode())
	}
	data, err := io.ReadAll(io.LimitReader(file, maxInfoPlistSize+1))
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	if len(data) > maxInfoPlistSize {
		return fmt.Errorf("%s is more than the %d bytes this reader accepts for an Info.plist", path, maxInfoPlistSize)
	}

	return decodeInfo(data, path, info)
}

// decodeInfo decodes the Info.plist bytes read from path.
func decodeInfo(data []byte, path string, info *Info) error {
	if err := plistcheck.Check(data); err != nil {
		return fmt.Errorf("invalid Info.plist %s: %w", path, err)
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

// exists reports whether path names a directory entry, without following
// a final symbolic link.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
