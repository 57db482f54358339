package sandboxlog

import (
	"bytes"
)

// parseSSHBindMessage parses OpenSSH's report of a failed bind(2) on a Unix
// socket, as for a ControlPath or a forwarded socket: "unix_listener: cannot
// bind to path /Users/me/.ssh/cm.sock: Operation not permitted". The error
// text is strerror(3) of the errno.
func parseSSHBindMessage(b []byte) ([]byte, int, bool) {
	_, rest, ok := bytes.Cut(b, []byte("unix_listener: cannot bind to path "))
	if !ok {
		return nil, 0, false
	}
	// A path may contain ": ", and none of the error texts does.
	end := bytes.LastIndex(rest, []byte(": "))
	if end <= 0 {
		return nil, 0, false
	}
	errno, ok := errnoFromText(rest[end+len(": "):])
	if !ok {
		return nil, 0, false
	}
	return rest[:end], errno, true
}

// parseSSHPathTooLongMessage parses OpenSSH's rejection of a socket path
// longer than sun_path, before bind(2): `unix_listener: path
// "/Users/me/.ssh/cm-long" too long for Unix domain socket`.
func parseSSHPathTooLongMessage(b []byte) ([]byte, int, bool) {
	_, rest, ok := bytes.Cut(b, []byte(`unix_listener: path "`))
	if !ok {
		return nil, 0, false
	}
	end := bytes.LastIndex(rest, []byte(`" too long for Unix domain socket`))
	if end <= 0 || rest[0] != '/' {
		return nil, 0, false
	}
	return rest[:end], ENAMETOOLONG, true
}

// pathTooLong is "Socket path too long" without its first letter, which
// may be upper or lower case, so the search allocates nothing.
var pathTooLong = []byte("ocket path too long")

// parsePathTooLongMessage parses the messages of clients that reject a
// socket path longer than sun_path before calling connect(2), such as
// Chromium's and Electron's process singleton:
// "[123:456:1004/112644.249:ERROR:process_singleton_posix.cc(363)] Socket
// path too long: /Users/me/Library/Application Support/MyApp/SingletonSocket".
// Any text may stand between the phrase and the colon. The path must be
// absolute, runs to the end of the line and may be quoted.
//
// NOTE: the wording of Qt's QLocalServer and of KDSingleApplication was not
// checked against their sources; they match only if they use this phrase.
func parsePathTooLongMessage(b []byte) ([]byte, int, bool) {
	i := bytes.Index(b, pathTooLong)
	if i < 1 || (b[i-1] != 's' && b[i-1] != 'S') {
		return nil, 0, false
	}
	rest := b[i+len(pathTooLong):]
	colon := bytes.Index(rest, []byte(": "))
	if colon < 0 {
		return nil, 0, false
	}
	path := bytes.TrimSpace(rest[colon+len(": "):])
	for _, quote := range []byte{'"', '\''} {
		if len(path) >= 2 && path[0] == quote && path[len(path)-1] == quote {
			path = path[1 : len(path)-1]
		}
	}
	if len(path) == 0 || path[0] != '/' {
		return nil, 0, false
	}
	return path, ENAMETOOLONG, true
}
