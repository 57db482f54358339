package socket

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// StatNotADirectory is Info.StatError when lstat failed with ENOTDIR: the
// path leads through a file where it needs a folder, so nothing can exist
// at it and connect(2) fails with ENOTDIR, not ENOENT.
const StatNotADirectory = "ENOTDIR: a path component is not a directory"

// readFileStatus fills the type, mode, owner, blocking folder and write
// permission of the resolved path.
func readFileStatus(info *Info, res resolution, operation string) {
	fi, err := os.Lstat(res.host)
	switch {
	case errors.Is(err, syscall.ENOTDIR):
		info.Type = "missing"
		info.StatError = StatNotADirectory
	case errors.Is(err, fs.ErrNotExist):
		info.Type = "missing"
	case err != nil:
		// Usually a folder on the way without search permission; the path
		// may exist.
		info.Type = "unknown"
		info.StatError = err.Error()
	case res.err != nil:
		// The walk stopped at a symlink it could not follow.
		info.Exists = true
		info.Type = "symlink"
	default:
		info.Exists = true
		info.Type = fileType(fi.Mode())
	}
	if info.Exists {
		info.Mode = modeString(fi.Mode())
		info.Owner = fileOwner(fi)
	}

	// Resolution stops at a folder it cannot search, so the folders above
	// res.host include any that blocks the way through a symlink too.
	info.BlockingDir = firstUnsearchableDir(res.host)
	if operation == OperationBind {
		// bind(2) creates the socket file, which takes write and search
		// permission on the parent folder.
		info.Writable = canAccess(filepath.Dir(res.host), accessWrite|accessSearch)
	} else if info.Exists {
		// connect(2) needs write permission on the socket file itself.
		info.Writable = canAccess(res.host, accessWrite)
	}
}

func fileType(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode.IsRegular():
		return "file"
	case mode.IsDir():
		return "directory"
	case mode&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "other"
}

// modeString formats a mode the way ls(1) does on macOS, such as
// "srwxr-xr-x". Go's FileMode.String uses "S" for sockets and puts the
// setuid, setgid and sticky bits in front instead.
func modeString(mode fs.FileMode) string {
	buf := []byte("----------")
	switch {
	case mode&fs.ModeSocket != 0:
		buf[0] = 's'
	case mode.IsDir():
		buf[0] = 'd'
	case mode&fs.ModeSymlink != 0:
		buf[0] = 'l'
	case mode&fs.ModeNamedPipe != 0:
		buf[0] = 'p'
	case mode&fs.ModeCharDevice != 0:
		buf[0] = 'c'
	case mode&fs.ModeDevice != 0:
		buf[0] = 'b'
	}

	const rwx = "rwxrwxrwx"
	for i := range 9 {
		if mode&(1<<(8-i)) != 0 {
			buf[1+i] = rwx[i]
		}
	}

	setSpecial(buf, 3, mode&fs.ModeSetuid != 0, 's')
	setSpecial(buf, 6, mode&fs.ModeSetgid != 0, 's')
	setSpecial(buf, 9, mode&fs.ModeSticky != 0, 't')
	return string(buf)
}

// setSpecial marks a setuid, setgid or sticky bit in the execute column:
// lower case when the execute bit is set too, upper case when not.
func setSpecial(buf []byte, column int, set bool, letter byte) {
	if !set {
		return
	}
	if buf[column] == '-' {
		letter -= 'a' - 'A'
	}
	buf[column] = letter
}

// firstUnsearchableDir returns, in macOS form, the first existing folder
// above path, from the root down, that the current user cannot search, or "".
func firstUnsearchableDir(path string) string {
	var dirs []string
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		dirs = append(dirs, dir)
		if dir == "/" || dir == "." {
			break
		}
	}

	for i := len(dirs) - 1; i >= 0; i-- {
		fi, err := os.Stat(dirs[i])
		if err != nil || !fi.IsDir() {
			return ""
		}
		if !canAccess(dirs[i], accessSearch) {
			return MacOSPath(dirs[i])
		}
	}
	return ""
}
