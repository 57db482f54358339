package checks

// The socket state rules: what stat and the test connect saw. They explain
// failures the sandbox does not cause. The test connect runs in sockdoctor's
// own process, outside the app's sandbox, so "connected" proves only that a
// server listens. The errno values are those of XNU's unp_connect()
// (bsd/kern/uipc_usrreq.c) and Linux's unix_stream_connect.

// Sources of the errno values the state rules name.
const (
	// xnuUnixSockets is XNU's AF_UNIX code: unp_connect checks the path,
	// the vnode type, the sandbox, write permission, a listener and the
	// socket type, in that order, and unp_bind creates the socket file.
	xnuUnixSockets = "https://github.com/apple-oss-distributions/xnu/blob/main/bsd/kern/uipc_usrreq.c"
	// manConnect is the source of macOS's connect(2) man page, which lists
	// its errors (EACCES, ENOENT, ECONNREFUSED, EPROTOTYPE, ENOTSOCK).
	manConnect = "https://github.com/apple-oss-distributions/xnu/blob/main/bsd/man/man2/connect.2"
	// manBind is the source of macOS's bind(2) man page (EADDRINUSE).
	manBind = "https://github.com/apple-oss-distributions/xnu/blob/main/bsd/man/man2/bind.2"
	// goSyscall is Go's syscall package, whose Errno values the test
	// connect reports.
	goSyscall = "https://pkg.go.dev/syscall#Errno"
	// linuxUnixSockets is Linux's AF_UNIX code, where a full backlog
	// makes a non-blocking connect fail with EAGAIN.
	linuxUnixSockets = "https://github.com/torvalds/linux/blob/master/net/unix/af_unix.c"
)

var ruleSocketMissing = register(&Rule{
	ID:       "socket-missing",
	Severity: SeverityError,
	Title:    "Nothing at the socket path",
	Summary:  "Nothing exists at the path (ENOENT, or ENOTDIR when a path component is a file): the server is not running or uses another path.",
	Doc: `lstat found nothing at the path, or the test connect failed with ENOENT. The
server that should create the socket is not running, or it creates the socket
elsewhere (a different profile, a different version, a setting such as
DOCKER_HOST or SSH_AUTH_SOCK). When a component of the path is a file where a
folder should be, lstat and connect fail with ENOTDIR instead, and the finding
names that errno.

Evidence: the path, the stat result and the test connect's errno. For
well-known servers the finding lists where they usually put the socket
(sockdoctor check --preset NAME checks all of them).`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Start the server, or find its socket path in its settings and check that path."},
	},
	References: []string{manConnect, xnuUnixSockets, goSyscall},
})

var ruleNotASocket = register(&Rule{
	ID:       "not-a-socket",
	Severity: SeverityError,
	Title:    "Path is not a socket",
	Summary:  "The path names a regular file, a directory or another non-socket (ENOTSOCK, ENOTDIR).",
	Doc: `The resolved path exists but is not a Unix domain socket: a regular file, a
directory, or something else. connect(2) fails with ENOTSOCK on macOS and
ECONNREFUSED on Linux, so clients often misreport it as "server not running". A leftover file from an older server version, or a
directory where a socket was expected, are typical causes.

Evidence: the file type from lstat/stat and the test connect's errno.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Point the client at the socket itself, or remove the leftover file and restart the server."},
	},
	References: []string{manConnect, xnuUnixSockets, goSyscall},
})

var ruleSocketPermission = register(&Rule{
	ID:       "socket-permission",
	Severity: SeverityError,
	Title:    "File permissions refuse the socket",
	Summary:  "EACCES: the socket's mode or owner, or a parent directory without search permission, refuses the current user.",
	Doc: `connect(2) needs search (x) permission on every directory of the path and
write permission on the socket file. When either is missing it fails with
EACCES ("Permission denied"). That is ordinary file permission, not the
sandbox: the sandbox returns EPERM. A socket under /private/var/run that the
sandbox allows is still refused when its mode allows only root.

Evidence: the directory that lacks search permission, or the socket's mode and
owner, and the test connect's errno. The check uses the permissions of the user
running sockdoctor, which is the user the app runs as in most cases. Running
as root passes every permission check, so root cannot show this finding.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Have the server create the socket with a mode (or group) that lets your user " +
			"write it, and make each parent directory searchable."},
	},
	References: []string{manConnect, xnuUnixSockets, "https://github.com/termio-sh/termio/issues/527"},
})

var ruleSocketStale = register(&Rule{
	ID:       "socket-stale",
	Severity: SeverityError,
	Title:    "Stale socket: nothing listens",
	Summary:  "ECONNREFUSED: a socket file is left behind, but no server listens on it.",
	Doc: `The path is a socket file, but the test connect got ECONNREFUSED: no process
listens on it. A server that crashed or was killed leaves its socket file
behind. A sandboxed app that the sandbox denies sees EPERM for the same path
instead, because XNU's unp_connect() runs the sandbox check before it looks
for a listener (an inference from the order of the checks in
bsd/kern/uipc_usrreq.c, not observed on a Mac by this tool).

Evidence: the file type and the test connect's errno.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Restart the server; it usually removes the stale file itself."},
	},
	References: []string{manConnect, xnuUnixSockets, goSyscall},
})

var ruleSocketWrongType = register(&Rule{
	ID:       "socket-wrong-type",
	Severity: SeverityError,
	Title:    "Socket type mismatch",
	Summary:  "EPROTOTYPE: the server's socket is a datagram socket and the client used a stream socket, or the reverse.",
	Doc: `The test connect with SOCK_STREAM failed with EPROTOTYPE ("Protocol wrong type
for socket"), and a retry as SOCK_DGRAM told which type the server uses. A
client must open the socket with the server's type; /private/var/run/syslog is
an example of a datagram socket.

Evidence: the test connect's errno and the type of the retry.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Open the client socket with the server's type (SOCK_DGRAM or SOCK_STREAM)."},
	},
	References: []string{manConnect, xnuUnixSockets, goSyscall},
})

var ruleDialTimeout = register(&Rule{
	ID:       "dial-timeout",
	Severity: SeverityWarning,
	Title:    "Test connect timed out",
	Summary:  "The test connect did not finish within --timeout: the server's listen backlog is full or it hangs.",
	Doc: `A connect to a Unix socket normally succeeds or fails at once. A connect
that waits usually means the server's listen backlog is full because the
server stopped accepting connections. The test connect gave up after
--timeout (default 2s).

Evidence: the timeout and the test connect's error.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Check that the server still accepts connections; restart it, or retry with a longer --timeout."},
	},
	References: []string{manConnect, xnuUnixSockets, "https://pkg.go.dev/net#Dialer"},
})

var ruleSocketBusy = register(&Rule{
	ID:       "socket-busy",
	Severity: SeverityWarning,
	Title:    "Server's listen backlog is full",
	Summary:  "The test connect failed at once with EAGAIN: a server listens, but its backlog of pending connections is full.",
	Doc: `On Linux a non-blocking connect to a Unix stream socket fails at once with
EAGAIN ("Resource temporarily unavailable") when the listener's queue of
connections waiting for accept(2) is full (net/unix/af_unix.c). A server
listens, but it has stopped accepting connections or accepts them too slowly.
macOS returns ECONNREFUSED in the same case (xnu bsd/kern/uipc_usrreq.c), so
there it looks like a stale socket instead.

Evidence: the test connect's errno.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Check that the server still calls accept; restart it, or raise its listen backlog."},
	},
	References: []string{linuxUnixSockets, xnuUnixSockets, goSyscall},
})

var ruleBindAddressInUse = register(&Rule{
	ID:       "bind-address-in-use",
	Severity: SeverityWarning,
	Title:    "Something already exists at the bind path",
	Summary:  "bind(2) fails with EADDRINUSE while any file exists at the path, whether a server listens on it or an old socket file was left behind.",
	Doc: `bind(2) on a Unix domain socket creates the socket file, so it fails with
EADDRINUSE ("Address already in use") when anything exists at the path: a
socket a server listens on, a socket file a stopped server left behind, or any
other file. The sandbox may allow the bind and it still fails.

Servers usually remove a leftover socket file before they bind, but only
after checking that nothing listens on it, because removing a live server's
socket cuts it off from new clients.

Evidence: the file type at the path and the test connect, which shows whether
a server listens.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"If a server listens, stop it or bind another path. If nothing listens, remove the old file before bind."},
	},
	References: []string{manBind, xnuUnixSockets, goSyscall},
})

var ruleDialNotPermitted = register(&Rule{
	ID:       "dial-not-permitted",
	Severity: SeverityWarning,
	Title:    "Test connect denied by a sandbox around sockdoctor",
	Summary:  "EPERM from the test connect, which runs outside the app: a sandbox or other access control around sockdoctor itself denied it.",
	Doc: `The test connect runs in sockdoctor's own process, outside the app's sandbox,
yet it failed with EPERM ("Operation not permitted"). EPERM on connect means a
mandatory access control denied it, not file permissions (EACCES) and not a
missing server (ECONNREFUSED): sockdoctor itself runs inside a sandbox, for
example a Seatbelt profile started with sandbox-exec by an AI coding agent or a
build tool, or a Linux security module such as AppArmor or SELinux. The result
says nothing about whether the server runs.

Evidence: the test connect's errno and error.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Run sockdoctor outside the surrounding sandbox to test the server, or pass " +
			"--no-dial to skip the test connect."},
	},
	References: []string{"https://github.com/termio-sh/termio/issues/527"},
})

var rulePathTooLong = register(&Rule{
	ID:       "path-too-long",
	Severity: SeverityError,
	Title:    "Socket path longer than sun_path",
	Summary:  "The path the app passes to connect or bind is 104 bytes or more and does not fit sockaddr_un.sun_path.",
	Doc: `sockaddr_un.sun_path is 104 bytes on macOS: 103 bytes of path plus the
terminating NUL. Go's syscall package rejects longer paths with EINVAL before
calling the kernel, and C code that copies into sun_path truncates the path,
so the client connects to or binds a different name. The kernel accepts up to
SOCK_MAXADDRLEN (255 bytes, so 253-byte paths) only when the caller builds the
address by hand.

The length that counts is that of the path the app passes, not the resolved
path: the kernel follows symlinks after it has copied the address, so a short
symlink to a long path fits, while the sandbox still checks the resolved path.

Sandboxed apps hit the limit easily: their $TMPDIR lies inside the container,
and a group container path is /Users/<user>/Library/Group Containers/<group>/,
so the user name, group ID and socket name together must stay within 69 bytes.

Evidence: the length in bytes of the given and the resolved path, and the
budget of 103 bytes.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Shorten the socket name, the group ID or the folder, so that the whole path is 103 bytes or less.",
			"Or build the sockaddr_un by hand with sun_len set, which macOS accepts up to 253 path bytes."},
	},
	References: []string{forumPathLength, "https://github.com/electron/electron/issues/4688"},
})
