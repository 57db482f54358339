package socket

// Errno numbers differ between Darwin and Linux (ECONNREFUSED is 61 on
// Darwin and 111 on Linux), so each host picks its table in a host_*.go file.
// Both tables are declared here so that tests on either host can check them.

// darwinErrnoNames maps Darwin errno values to their names (xnu
// bsd/sys/errno.h, as in Go's syscall/zerrors_darwin_*.go).
var darwinErrnoNames = map[uintptr]string{
	1:   "EPERM",
	2:   "ENOENT",
	4:   "EINTR",
	13:  "EACCES",
	20:  "ENOTDIR",
	22:  "EINVAL",
	24:  "EMFILE",
	35:  "EAGAIN",
	38:  "ENOTSOCK",
	41:  "EPROTOTYPE",
	43:  "EPROTONOSUPPORT",
	44:  "ESOCKTNOSUPPORT",
	48:  "EADDRINUSE",
	54:  "ECONNRESET",
	60:  "ETIMEDOUT",
	61:  "ECONNREFUSED",
	62:  "ELOOP",
	63:  "ENAMETOOLONG",
	102: "EOPNOTSUPP",
}

// linuxErrnoNames maps Linux errno values to their names (asm-generic
// errno.h, as in Go's syscall/zerrors_linux_*.go).
var linuxErrnoNames = map[uintptr]string{
	1:   "EPERM",
	2:   "ENOENT",
	4:   "EINTR",
	11:  "EAGAIN",
	13:  "EACCES",
	20:  "ENOTDIR",
	22:  "EINVAL",
	24:  "EMFILE",
	36:  "ENAMETOOLONG",
	40:  "ELOOP",
	88:  "ENOTSOCK",
	91:  "EPROTOTYPE",
	93:  "EPROTONOSUPPORT",
	94:  "ESOCKTNOSUPPORT",
	95:  "EOPNOTSUPP",
	98:  "EADDRINUSE",
	104: "ECONNRESET",
	110: "ETIMEDOUT",
	111: "ECONNREFUSED",
}

// dialResultForErrno classifies a failed connect(2) by errno name. Names
// are the same on every host, so this is shared by the host tables.
func dialResultForErrno(name string) DialResult {
	switch name {
	case "EPERM":
		// The sandbox or another mandatory access control; never "not
		// running" (Apple DTS: EPERM is MAC, EACCES is file permissions).
		return DialNotPermitted
	case "EACCES":
		return DialPermissionDenied
	case "ENOENT", "ENOTDIR":
		// Both mean nothing can exist at the path. Dial.Errno keeps the
		// real name, so reports can tell a missing file from a path that
		// runs through a file.
		return DialNotFound
	case "ENOTSOCK":
		return DialNotASocket
	case "ECONNREFUSED":
		// NOTE: Darwin also returns ECONNREFUSED when a live listener's
		// backlog is full (unp_connect in xnu bsd/kern/uipc_usrreq.c), so
		// on a Mac "refused" can mean a busy server rather than a stale file.
		return DialRefused
	case "EPROTOTYPE":
		return DialWrongType
	case "ETIMEDOUT":
		return DialTimeout
	case "EAGAIN":
		// Linux returns EAGAIN at once on a Unix socket connect when the
		// listener's backlog is full (net/unix/af_unix.c), not after a wait.
		return DialBusy
	case "ENAMETOOLONG":
		return DialPathTooLong
	}
	return DialFailed
}
