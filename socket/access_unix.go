//go:build unix

package socket

import (
	"io/fs"
	"os/user"
	"strconv"
	"syscall"
)

const (
	accessWrite  = 0x2 // W_OK
	accessSearch = 0x1 // X_OK
)

// canAccess calls access(2) to check whether the current user has the
// permission, so the kernel applies ACLs and root's override itself.
func canAccess(path string, mode uint32) bool {
	return syscall.Access(path, mode) == nil
}

// fileOwner returns the owner's user name, or the numeric uid when the user
// database has no entry for it.
func fileOwner(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	uid := strconv.FormatUint(uint64(st.Uid), 10)
	if u, err := user.LookupId(uid); err == nil {
		return u.Username
	}
	return uid
}
