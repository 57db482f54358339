package entitlements

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/sockdoctor/sockdoctor/bundle"
	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
)

// maxPlistSize bounds the plist and profile files Load reads into memory.
// Entitlements files are a few KB and profiles tens of KB.
const maxPlistSize = 16 << 20

// ErrUnsigned is wrapped by the error Load returns for a Mach-O file none of
// whose slices has a code signature.
var ErrUnsigned = errors.New("no LC_CODE_SIGNATURE in any slice (unsigned build?)")

// LoadError is a failure to read one input. Hint is the fix to suggest.
type LoadError struct {
	Path string
	Err  error
	Hint string
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("cannot read entitlements from %q: %v", e.Path, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

func loadErrorf(path, hint, format string, args ...any) *LoadError {
	return &LoadError{Path: path, Err: fmt.Errorf(format, args...), Hint: hint}
}

// Load reads the entitlements and signing facts of path. It detects the
// input by content and shape, not by name. A folder is a bundle, a file
// starting with a Mach-O or fat magic is a Mach-O file, and one starting
// with a DER SEQUENCE is a provisioning profile. Anything else is read as a
// property list. Every error is a *LoadError.
func Load(path string, opts LoadOptions) (*Target, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err, Hint: "check the path"}
	}
	if info.IsDir() {
		return loadBundle(path, opts)
	}
	if !info.Mode().IsRegular() {
		return nil, loadErrorf(path, "pass a bundle folder, a Mach-O file, a plist or a provisioning profile", "not a regular file or folder (mode %s)", info.Mode())
	}

	file, info, err := openRegular(path)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err, Hint: "check the file's permissions, or pass a copy of the file"}
	}
	defer file.Close()

	var head [4]byte
	n, err := file.ReadAt(head[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &LoadError{Path: path, Err: err, Hint: "pass a bundle folder, a Mach-O file, a plist or a provisioning profile that can be read as an ordinary file"}
	}
	switch {
	case n == 0:
		return nil, loadErrorf(path, "pass a bundle folder, a Mach-O file, a plist or a provisioning profile", "the file is empty")
	case IsMachO(head[:n]):
		return loadMachO(path, file, info.Size(), opts)
	case opts.Slice != "":
		return nil, loadErrorf(path, "select a slice only for a Mach-O file or a bundle",
			"no %s slice: the file is not a Mach-O file", opts.Slice)
	case head[0] == 0x30:
		return loadProfile(path, file, info.Size())
	}
	return loadPlist(path, file, info.Size(), opts)
}

func loadBundle(dir string, opts LoadOptions) (*Target, error) {
	b, err := bundle.Open(dir)
	switch {
	case errors.Is(err, bundle.ErrNotBundle):
		return nil, loadErrorf(dir, "pass an .app, .appex, .xpc or .framework folder, or the Mach-O file itself",
			"the folder is not a bundle: it has no Contents/Info.plist, Resources/Info.plist or Info.plist")
	case errors.Is(err, bundle.ErrOutsideBundle):
		return nil, &LoadError{Path: dir, Err: err, Hint: "copy the file into the bundle, or pass the file itself"}
	case err != nil:
		return nil, &LoadError{Path: dir, Err: err, Hint: "fix or regenerate the bundle's Info.plist (an ordinary XML or binary property list file)"}
	}

	if b.Executable == "" {
		return nil, noExecutableError(b)
	}
	target, err := loadMachOFile(b.Executable, opts)
	if err != nil {
		var loadErr *LoadError
		if errors.As(err, &loadErr) {
			rel, _ := filepath.Rel(dir, loadErr.Path)
			return nil, &LoadError{Path: dir, Err: fmt.Errorf("%s: %w", rel, loadErr.Err), Hint: loadErr.Hint}
		}
		return nil, err
	}
	target.Path = dir
	target.Kind = KindApp
	if b.Info.Identifier != "" {
		target.BundleID = b.Info.Identifier
	}

	if b.ProfilePath != "" {
		data, err := readBounded(b.ProfilePath)
		if err != nil {
			return nil, &LoadError{Path: b.ProfilePath, Err: err, Hint: "replace the embedded profile with one downloaded from the developer account"}
		}
		profile, err := ParseProfile(data)
		if err != nil {
			return nil, loadErrorf(dir, "re-sign the bundle with a profile downloaded from the developer account",
				"embedded provisioning profile %s: %w", filepath.Base(b.ProfilePath), err)
		}
		target.Profile = profile
	}
	return target, nil
}

// noExecutableError explains a bundle without a main executable.
func noExecutableError(b *bundle.Bundle) error {
	hint := "pass the bundle that contains the code, or the Mach-O file itself"
	rel, _ := filepath.Rel(b.Path, b.InfoPlistPath)
	if b.Info.Executable != "" {
		return loadErrorf(b.Path, hint, "the main executable %q named by CFBundleExecutable in %s is missing", b.Info.Executable, rel)
	}
	if b.DetachedCodeDirectory != "" {
		detached, _ := filepath.Rel(b.Path, b.DetachedCodeDirectory)
		return loadErrorf(b.Path, hint,
			"the bundle has no main executable (no CFBundleExecutable in %s); its detached signature %s signs resources only and carries no entitlements", rel, detached)
	}
	return loadErrorf(b.Path, hint, "the bundle has no main executable (no CFBundleExecutable in %s)", rel)
}

func loadMachOFile(path string, opts LoadOptions) (*Target, error) {
	file, info, err := openRegular(path)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err, Hint: "check the file's permissions"}
	}
	defer file.Close()
	return loadMachO(path, file, info.Size(), opts)
}

// openRegular opens path for reading without blocking, so a FIFO swapped
// in after a stat cannot stall the open, and rejects anything but a
// regular file.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	file, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		file.Close()
		return nil, nil, fmt.Errorf("not a regular file (mode %s)", info.Mode())
	}
	return file, info, nil
}

func loadMachO(path string, r io.ReaderAt, size int64, opts LoadOptions) (*Target, error) {
	slices, err := ReadMachO(r, size)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err, Hint: "the file is damaged or not a Mach-O binary; rebuild it or copy it again"}
	}

	if opts.Slice != "" {
		selected, err := selectSlice(slices, opts.Slice)
		if err != nil {
			return nil, &LoadError{Path: path, Err: err, Hint: "pass one of the architectures listed"}
		}
		if !selected.Signed && len(slices) > 1 {
			return nil, &LoadError{Path: path,
				Err:  unsignedSliceError{arch: opts.Slice},
				Hint: "pass --slice with a signed architecture (" + strings.Join(signedArchs(slices), ", ") + "), or sign this slice"}
		}
		slices = []Slice{selected}
	}

	effective := -1
	for i := range slices {
		if slices[i].Signed {
			effective = i
			break
		}
	}
	if effective < 0 {
		return nil, &LoadError{Path: path, Err: ErrUnsigned,
			Hint: "sign the build (codesign --sign IDENTITY --entitlements FILE), or pass the .entitlements source file"}
	}

	chosen := &slices[effective]
	target := &Target{
		Path:       path,
		Kind:       KindMachO,
		BundleID:   chosen.Identifier,
		TeamID:     chosen.TeamID,
		Signature:  chosen.Signature,
		Slices:     slices,
		Executable: path,
	}
	entitlements := chosen.Entitlements()
	if entitlements == nil {
		entitlements = Dict{}
	}
	target.Entitlements, target.Unresolved = entitlements.Substitute(opts.Vars)
	return target, nil
}

func selectSlice(slices []Slice, arch string) (Slice, error) {
	names := make([]string, len(slices))
	for i, s := range slices {
		if s.Arch == arch {
			return s, nil
		}
		names[i] = s.Arch
	}
	return Slice{}, fmt.Errorf("no %s slice (the file has %s)", arch, strings.Join(names, ", "))
}

func loadProfile(path string, file *os.File, size int64) (*Target, error) {
	data, err := readAll(file, size)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err, Hint: "download the profile again from the developer account"}
	}
	profile, err := ParseProfile(data)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err, Hint: "download the profile again from the developer account"}
	}
	return &Target{
		Path:         path,
		Kind:         KindProfile,
		TeamID:       profile.TeamID,
		Signature:    SignatureUnknown,
		Entitlements: profile.Entitlements,
		Profile:      profile,
	}, nil
}

func loadPlist(path string, file *os.File, size int64, opts LoadOptions) (*Target, error) {
	data, err := readAll(file, size)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err,
			Hint: "pass an .entitlements, .plist or .xcent property list (XML, binary or OpenStep), a Mach-O file or a bundle"}
	}
	if looksLikePlainProfile(data) {
		return nil, &LoadError{Path: path, Err: ErrPlainProfile,
			Hint: "use the profile Xcode or the developer account downloads (a CMS-signed .provisionprofile)"}
	}
	dict, err := ParsePlist(data)
	if errors.Is(err, plistcheck.ErrTooDeep) || errors.Is(err, plistcheck.ErrTooLarge) {
		return nil, &LoadError{Path: path, Err: err,
			Hint: "entitlements nest a few levels and hold tens of values; check that this is the entitlements file the build uses"}
	}
	if err != nil {
		return nil, &LoadError{Path: path, Err: err,
			Hint: "pass an .entitlements, .plist or .xcent property list (XML, binary or OpenStep), a Mach-O file or a bundle"}
	}

	target := &Target{Path: path, Kind: KindEntitlementsFile, Signature: SignatureUnknown}
	target.Entitlements, target.Unresolved = dict.Substitute(opts.Vars)
	return target, nil
}

// readAll reads a whole plist or profile file, refusing files larger than
// maxPlistSize. It reads up to the cap instead of trusting size, which is
// 0 for files such as those under /proc.
func readAll(file *os.File, size int64) ([]byte, error) {
	if size > maxPlistSize {
		return nil, fmt.Errorf("the file is %d bytes, more than the %d a property list or profile may have", size, maxPlistSize)
	}
	data, err := io.ReadAll(io.NewSectionReader(file, 0, maxPlistSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPlistSize {
		return nil, fmt.Errorf("the file has more than the %d bytes a property list or profile may have", maxPlistSize)
	}
	return data, nil
}

func readBounded(path string) ([]byte, error) {
	file, info, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return readAll(file, info.Size())
}

// signedArchs returns the architectures of the signed slices, or "none".
func signedArchs(slices []Slice) []string {
	var archs []string
	for _, s := range slices {
		if s.Signed {
			archs = append(archs, s.Arch)
		}
	}
	if len(archs) == 0 {
		return []string{"none"}
	}
	return archs
}

// unsignedSliceError is the error for a slice chosen with --slice that has
// no signature while other slices of the file do. It matches ErrUnsigned
// with errors.Is.
type unsignedSliceError struct {
	arch string
}

func (e unsignedSliceError) Error() string {
	return fmt.Sprintf("the %s slice has no LC_CODE_SIGNATURE (unsigned build?)", e.arch)
}

func (e unsignedSliceError) Is(target error) bool {
	return target == ErrUnsigned
}
