// Package sandboxlog parses macOS sandbox denial logs into events, one line
// at a time and in constant memory.
//
// It reads every form the denials take on their way to a user:
//
//   - the kernel line of the Sandbox extension, "Sandbox: curl(22299) deny(1)
//     network-outbound /Users/user/.docker/run/docker.sock", and the form
//     without "(1)" logged by OS X 10.7 to 10.11;
//   - that line inside the compact and default styles of `log show` and
//     `log stream` (timestamp, "kernel[0:...]" or "kernel:", "(Sandbox)");
//   - `log show --style ndjson` and `--style json` records, from which the
//     eventMessage, process, pid and timestamp are taken;
//   - system.log lines of sandboxd, "sandboxd[123] ([456]): proc(456) deny op
//     target", from OS X 10.7 to 10.11;
//   - Console's sandbox violation reports (the Violation, Process, Path,
//     Identifier and Responsible fields and the first backtrace frames);
//   - library messages that carry an errno for a socket path: dnssd's
//     "connect() failed path:... Errno:1", MySQL's "through socket '...' (1)",
//     Go's "dial unix PATH: connect: operation not permitted" and ssh's
//     "unix_listener: cannot bind to path PATH: Operation not permitted";
//   - messages of clients that reject a path longer than sun_path before
//     calling connect(2) or bind(2): Chromium's and Electron's "Socket path
//     too long: PATH" and ssh's "unix_listener: path "PATH" too long for
//     Unix domain socket".
//
// The line formats come from Apple's `log` tool (macOS 10.12 and later), the
// Apple documentation page "Discovering and diagnosing App Sandbox
// violations", and denial lines quoted in public bug reports.
package sandboxlog

// Format names the form an event was read from.
type Format string

const (
	// FormatKernel is a bare kernel line with "deny(n)".
	FormatKernel Format = "kernel"
	// FormatKernelLegacy is a bare kernel line without "(n)" (OS X 10.7 to
	// 10.11).
	FormatKernelLegacy Format = "kernel-legacy"
	// FormatSyslog is a system.log line: "kernel[0]: ..." or "sandboxd[123]
	// ([456]): ...", with or without the leading date and host name.
	FormatSyslog Format = "syslog"
	// FormatLogCompact is a line of `log show --style compact`.
	FormatLogCompact Format = "log-compact"
	// FormatLogDefault is a line of the default `log show` style.
	FormatLogDefault Format = "log-default"
	// FormatNDJSON is a record of `log show --style ndjson`.
	FormatNDJSON Format = "ndjson"
	// FormatJSON is a record of `log show --style json`.
	FormatJSON Format = "json"
	// FormatViolationReport is a Console sandbox violation report.
	FormatViolationReport Format = "violation-report"
	// FormatLibrary is a bare library message with an errno for a socket
	// path; inside `log show` output such a message gets that output's format.
	FormatLibrary Format = "library"
)

// Operation names of the sandbox that sockdoctor diagnoses.
const (
	OperationNetworkOutbound = "network-outbound" // connect(2), also for Unix sockets
	OperationNetworkBind     = "network-bind"     // bind(2), also for Unix sockets
)

// Errno values that library messages carry, as numbered on macOS
// (xnu bsd/sys/errno.h).
const (
	EPERM        = 1
	ENOENT       = 2
	EACCES       = 13
	ENOTSOCK     = 38
	EPROTOTYPE   = 41
	EADDRINUSE   = 48
	ECONNREFUSED = 61
	// ENAMETOOLONG also marks a client message that rejected a socket path
	// longer than sun_path itself, before calling connect(2) or bind(2).
	ENAMETOOLONG = 63
)

// Event is one sandbox denial, or one library message that reports an errno
// for a socket path.
type Event struct {
	// Process is the name of the denied process as logged. The kernel cuts it
	// to MAXCOMLEN (16) bytes, so "Google Chrome Helper" appears as "Google
	// Chrome He". Empty when the line does not name a process.
	Process string
	// PID is the process ID, or 0 when the line carries none.
	PID int
	// Operation is the sandbox operation, such as "network-outbound". Library
	// messages about connect(2) get "network-outbound".
	Operation string
	// Target is the object of the operation: a path, an address such as
	// "remote:*:443", or a Mach service name. Empty for operations without
	// one, such as forbidden-sandbox-reinit.
	Target string
	// Errno is the error number a library message reports (1 is EPERM), or 0
	// for sandbox lines, which always mean EPERM.
	Errno int
	// Time is the timestamp as logged, in the log's own format, or empty.
	Time string
	// Format is the outermost form the event was read from: a kernel line
	// inside `log show --style compact` output is FormatLogCompact.
	Format Format
	// Line is the 1-based number of the input line the event starts on.
	Line int
	// Raw is the input line the event was read from. For a violation report it
	// is the report's first line; for a JSON record it is the eventMessage.
	Raw string

	// Identifier, ExecutablePath and Responsible come from violation reports:
	// the bundle ID, the executable's path, and the responsible process.
	Identifier     string
	ExecutablePath string
	Responsible    string
	// Backtrace holds the first frames of the report's backtrace, each as
	// "image symbol + offset".
	Backtrace []string
}

// MaxProcessNameBytes is the length at which the kernel cuts process names
// (MAXCOMLEN in xnu bsd/sys/param.h).
const MaxProcessNameBytes = 16

// ProcessMayBeTruncated reports whether the process name has the length at
// which the kernel cuts names, so the real name may be longer.
func (e *Event) ProcessMayBeTruncated() bool {
	return len(e.Process) == MaxProcessNameBytes
}

// IsDenial reports whether the event is a denial by the sandbox: a sandbox
// line, or a library message whose errno is EPERM.
func (e *Event) IsDenial() bool {
	return e.Errno == 0 || e.Errno == EPERM
}

// Stats counts the input lines by what became of them.
type Stats struct {
	// Lines is the number of input lines read.
	Lines int
	// Events is the number of events returned.
	Events int
	// Other counts log entries in a known format that hold no denial, such
	// as messages of other processes in `log show` output.
	Other int
	// Unknown counts lines in no known format.
	Unknown int
	// Oversized counts lines longer than MaxLineBytes and JSON records longer
	// than MaxRecordBytes or MaxRecordLines; they are skipped.
	Oversized int
}
