package cli

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"

	"github.com/sockdoctor/sockdoctor/bundle"
)

// walkProblemHint returns what to do about a file that lint could not read
// while walking a folder or bundle.
func walkProblemHint(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "make the file readable for this user, or run lint as a user that can read it"
	case errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"):
		// filepath.EvalSymlinks reports a link loop as "too many links",
		// an error without ELOOP.
		return "the symbolic links at this path form a loop; fix or remove them"
	case errors.Is(err, bundle.ErrSymlinkEscapes):
		return "copy the file into the bundle instead of linking outside it; lint does not follow such links"
	case errors.Is(err, bundle.ErrNotRegular):
		return "remove the FIFO, device or socket from the bundle; lint reads regular files, folders and links only"
	case errors.Is(err, bundle.ErrTooDeep):
		return "lint the nested bundle by passing its path"
	case errors.Is(err, bundle.ErrExecutableMissing):
		return "rebuild the bundle, or fix CFBundleExecutable in its Info.plist"
	case errors.Is(err, fs.ErrNotExist):
		return "the file disappeared during the walk; rerun lint on a finished build"
	}
	return "check that the file is readable and the bundle complete, such as by rebuilding it"
}
