package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Role is the place of a piece of code in its bundle, which decides who
// launches it and which sandbox rules apply.
type Role string

const (
	RoleMain            Role = "main app"         // the bundle that was walked
	RoleXPCService      Role = "XPC service"      // Contents/XPCServices/*.xpc, and inside frameworks
	RoleAppExtension    Role = "app extension"    // Contents/PlugIns/*.appex
	RoleLoginItem       Role = "login item"       // Contents/Library/LoginItems/*
	RoleLaunchService   Role = "launchd service"  // Contents/Library/LaunchServices/*
	RoleHelper          Role = "helper"           // Contents/Helpers/*
	RoleExecutable      Role = "executable"       // extra Mach-O executables in Contents/MacOS
	RoleFrameworkHelper Role = "framework helper" // executables and apps inside Contents/Frameworks/*.framework
)

// Code is one piece of code found by Walk.
type Code struct {
	// Path is the file system path to load: a bundle folder or an
	// executable file.
	Path string
	// Rel is Path relative to the folder that contains the walked bundle,
	// with slashes, so it starts with the bundle's own name.
	Rel  string
	Role Role
	// IsBundle reports whether Path is a bundle folder rather than a bare
	// executable.
	IsBundle bool
	// Executable is the Mach-O file that carries the signature, relative
	// like Rel; "" when a bundle names no executable.
	Executable string
	// Parent is the index in Result.Code of the bundle that contains this
	// code, or -1 for the walked bundle itself.
	Parent int
}

// Problem is a file the walk could not read or chose not to follow. The
// walk goes on after each one.
type Problem struct {
	Rel string
	Err error
}

func (p Problem) Error() string { return fmt.Sprintf("%s: %v", p.Rel, p.Err) }

// Result is the outcome of Walk.
type Result struct {
	// Code lists the walked bundle first, then nested code depth first in
	// a stable order.
	Code     []Code
	Problems []Problem
}

// maxNestingDepth bounds how deep bundles may nest. Real apps nest three
// levels at most (app, framework, helper app); the bound stops a crafted
// tree from recursing without end.
const maxNestingDepth = 8

// Errors recorded as problems.
var (
	ErrSymlinkEscapes = errors.New("symbolic link points outside the bundle; not followed")
	ErrNotRegular     = errors.New("not a regular file or folder (FIFO, device or socket); not read")
	ErrTooDeep        = fmt.Errorf("bundles nested more than %d levels deep; not walked", maxNestingDepth)
	// ErrExecutableMissing is a nested bundle whose Info.plist names a main
	// executable that is not there.
	ErrExecutableMissing = errors.New("main executable not found")
)

// Walk finds the main executable of the bundle at root and every piece of
// nested code: XPC services, app extensions, login items, launchd services,
// helpers, extra executables in Contents/MacOS, and the executables, XPC
// services and apps inside frameworks. It reads file headers only, never
// follows a symbolic link out of the bundle, never opens FIFOs or devices,
// and records unreadable files as problems instead of stopping. It returns
// an error only when root itself is not a readable bundle.
func Walk(root string) (*Result, error) {
	main, err := Open(root)
	if err != nil {
		return nil, err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}

	w := &walker{
		realRoot: realRoot,
		base:     filepath.Dir(filepath.Clean(root)),
		seen:     map[string]bool{realRoot: true},
		result:   &Result{},
	}
	w.addBundle(main, RoleMain, -1, 0)
	return w.result, nil
}

type walker struct {
	realRoot string
	base     string          // folder that Rel paths are relative to
	seen     map[string]bool // real paths already listed, so links inside the bundle count once
	result   *Result
}

func (w *walker) rel(path string) string {
	rel, err := filepath.Rel(w.base, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

func (w *walker) problem(path string, err error) {
	w.result.Problems = append(w.result.Problems, Problem{Rel: w.rel(path), Err: err})
}

// addBundle records b and walks the code nested in it.
func (w *walker) addBundle(b *Bundle, role Role, parent, depth int) {
	code := Code{Path: b.Path, Rel: w.rel(b.Path), Role: role, IsBundle: true, Parent: parent}
	if b.Executable != "" {
		code.Executable = w.rel(b.Executable)
		w.seen[w.realPath(b.Executable)] = true
	}
	index := len(w.result.Code)
	w.result.Code = append(w.result.Code, code)

	if depth >= maxNestingDepth {
		w.problem(b.Path, ErrTooDeep)
		return
	}
	contents := b.ContentsDir
	switch b.Layout {
	case LayoutFramework:
		w.walkFramework(b.Path, index, depth)
		return
	case LayoutShallow:
		w.walkFolder(filepath.Join(contents, "PlugIns"), RoleAppExtension, index, depth)
		return
	}

	w.walkFolder(filepath.Join(contents, "MacOS"), RoleExecutable, index, depth)
	w.walkFolder(filepath.Join(contents, "XPCServices"), RoleXPCService, index, depth)
	w.walkFolder(filepath.Join(contents, "PlugIns"), RoleAppExtension, index, depth)
	w.walkFolder(filepath.Join(contents, "Library", "LoginItems"), RoleLoginItem, index, depth)
	w.walkFolder(filepath.Join(contents, "Library", "LaunchServices"), RoleLaunchService, index, depth)
	w.walkFolder(filepath.Join(contents, "Helpers"), RoleHelper, index, depth)
	w.walkFrameworks(filepath.Join(contents, "Frameworks"), index, depth)
}

// walkFolder lists the bundles and Mach-O executables directly inside dir.
// A missing folder is normal and not a problem.
func (w *walker) walkFolder(dir string, role Role, parent, depth int) {
	entries, ok := w.readDir(dir)
	if !ok {
		return
	}
	for _, name := range entries {
		w.visit(filepath.Join(dir, name), role, parent, depth)
	}
}

// readDir returns the sorted entry names of dir; ok is false when dir is
// absent or unreadable (the latter recorded as a problem).
func (w *walker) readDir(dir string) (names []string, ok bool) {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		w.problem(dir, err)
		return nil, false
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		if _, inside := w.resolveInside(dir); !inside {
			return nil, false
		}
	} else if !info.IsDir() {
		return nil, false
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		w.problem(dir, err)
		return nil, false
	}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, true
}

// visit records path if it is a bundle or a Mach-O executable.
func (w *walker) visit(path string, role Role, parent, depth int) {
	real, ok := w.resolveInside(path)
	if !ok || w.seen[real] {
		return
	}

	info, err := os.Stat(real)
	if err != nil {
		w.problem(path, err)
		return
	}
	switch {
	case info.IsDir():
		if !IsBundle(path) {
			return
		}
		w.seen[real] = true
		nested, err := Open(path)
		if err != nil {
			w.problem(path, err)
			return
		}
		switch {
		case nested.Info.Executable == "":
			// A resource bundle carries no code, so no entitlements apply.
			return
		case nested.Executable == "":
			w.problem(path, fmt.Errorf("%w: Info.plist names %q", ErrExecutableMissing, nested.Info.Executable))
			return
		}
		w.addBundle(nested, role, parent, depth+1)

	case info.Mode().IsRegular():
		w.seen[real] = true
		executable, err := isMachOExecutable(real)
		if err != nil {
			w.problem(path, err)
			return
		}
		if executable {
			w.result.Code = append(w.result.Code, Code{Path: path, Rel: w.rel(path), Role: role, Executable: w.rel(path), Parent: parent})
		}

	default:
		w.problem(path, ErrNotRegular)
	}
}

// resolveInside returns the real path of path. ok is false, with a problem
// recorded, when a symbolic link leads out of the bundle or cannot be
// resolved.
func (w *walker) resolveInside(path string) (real string, ok bool) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		w.problem(path, err)
		return "", false
	}
	if real != w.realRoot && !strings.HasPrefix(real, w.realRoot+string(filepath.Separator)) {
		w.problem(path, fmt.Errorf("%w (target %s)", ErrSymlinkEscapes, real))
		return "", false
	}
	return real, true
}

func (w *walker) realPath(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return path
	}
	return real
}

// walkFrameworks walks every *.framework in dir.
func (w *walker) walkFrameworks(dir string, parent, depth int) {
	entries, ok := w.readDir(dir)
	if !ok {
		return
	}
	for _, name := range entries {
		if strings.HasSuffix(name, ".framework") {
			w.walkFramework(filepath.Join(dir, name), parent, depth)
		}
	}
}

// walkFramework lists the code a framework carries besides its library. It
// looks in every version folder (Versions/*, not the Current link), or in
// the top folder of a shallow framework. There it takes the Mach-O
// executables beside the library (Sparkle's Autoupdate), Helpers/*,
// XPCServices/*.xpc and the apps in Resources/ (Sparkle's Updater.app).
func (w *walker) walkFramework(framework string, parent, depth int) {
	if _, ok := w.resolveInside(framework); !ok {
		return
	}
	versionDirs := []string{framework}
	if names, ok := w.readDir(filepath.Join(framework, "Versions")); ok {
		versionDirs = nil
		for _, name := range names {
			dir := filepath.Join(framework, "Versions", name)
			if info, err := os.Lstat(dir); err == nil && info.IsDir() {
				versionDirs = append(versionDirs, dir)
			}
		}
	}

	for _, dir := range versionDirs {
		names, ok := w.readDir(dir)
		if !ok {
			continue
		}
		for _, name := range names {
			path := filepath.Join(dir, name)
			if info, err := os.Lstat(path); err == nil && info.Mode().IsRegular() {
				w.visit(path, RoleFrameworkHelper, parent, depth)
			}
		}
		w.walkFolder(filepath.Join(dir, "Helpers"), RoleFrameworkHelper, parent, depth)
		w.walkFolder(filepath.Join(dir, "XPCServices"), RoleXPCService, parent, depth)
		w.walkApps(filepath.Join(dir, "Resources"), parent, depth)
	}
}

// walkApps walks the .app bundles directly inside dir.
func (w *walker) walkApps(dir string, parent, depth int) {
	names, ok := w.readDir(dir)
	if !ok {
		return
	}
	for _, name := range names {
		if strings.HasSuffix(name, ".app") {
			w.visit(filepath.Join(dir, name), RoleFrameworkHelper, parent, depth)
		}
	}
}
