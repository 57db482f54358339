package sandboxlog

import "strings"

// TargetKind classifies an event's target.
type TargetKind string

const (
	TargetPath    TargetKind = "path"    // an absolute file system path
	TargetAddress TargetKind = "address" // an IP endpoint: "remote:*:443", "local:*:8080", "0.0.0.0:7890"
	TargetName    TargetKind = "name"    // anything else: a Mach service, a preference domain
	TargetNone    TargetKind = "none"    // no target
)

// TargetKind classifies the event's target. The kernel writes IP endpoints
// of network operations as "local:" or "remote:" followed by host and port;
// older systems wrote "host:port".
func (e *Event) TargetKind() TargetKind {
	t := e.Target
	switch {
	case t == "":
		return TargetNone
	case strings.HasPrefix(t, "/"):
		return TargetPath
	case strings.HasPrefix(t, "local:") || strings.HasPrefix(t, "remote:"):
		return TargetAddress
	case strings.HasPrefix(e.Operation, "network-") && isHostPort(t):
		return TargetAddress
	}
	return TargetName
}

// isHostPort reports whether s ends in ":port" after a host such as
// "0.0.0.0", "*" or "[::1]".
func isHostPort(s string) bool {
	colon := strings.LastIndexByte(s, ':')
	if colon <= 0 || colon == len(s)-1 {
		return false
	}
	port := s[colon+1:]
	return port == "*" || allDigits([]byte(port))
}

// operationMeanings gives a one-line meaning for the sandbox operations that
// show up in denial logs. The names are those of the sandbox profile
// language (SBPL) used by /System/Library/Sandbox/Profiles/*.sb.
var operationMeanings = map[string]string{
	"network-outbound":           "connect(2) or sendto(2): to an IP address, or to a Unix socket path",
	"network-bind":               "bind(2): listening on an IP port, or creating a Unix socket file",
	"network-inbound":            "accepting or receiving on a socket",
	"file-read-data":             "reading a file's contents",
	"file-read-metadata":         "reading a file's attributes (stat)",
	"file-read-xattr":            "reading a file's extended attributes",
	"file-write-create":          "creating a file or folder",
	"file-write-data":            "writing to a file",
	"file-write-unlink":          "deleting a file",
	"file-write-xattr":           "writing a file's extended attributes",
	"file-write-mode":            "changing a file's permissions",
	"file-write-owner":           "changing a file's owner",
	"file-write-times":           "changing a file's timestamps",
	"file-ioctl":                 "an ioctl(2) on a file or device",
	"file-link":                  "creating a hard link",
	"file-issue-extension":       "handing out a sandbox extension for a file",
	"mach-lookup":                "looking up a Mach or XPC service by name",
	"mach-register":              "registering a Mach service name",
	"user-preference-read":       "reading another domain's preferences (CFPreferences)",
	"user-preference-write":      "writing another domain's preferences (CFPreferences)",
	"iokit-open":                 "opening an IOKit user client (a driver connection)",
	"iokit-get-properties":       "reading IOKit registry properties",
	"process-exec":               "executing a program",
	"process-exec*":              "executing a program",
	"process-fork":               "forking a process",
	"process-info-pidinfo":       "reading information about another process",
	"process-info-listpids":      "listing processes",
	"signal":                     "sending a signal to another process",
	"sysctl-read":                "reading a sysctl value",
	"sysctl-write":               "writing a sysctl value",
	"ipc-posix-shm-read-data":    "reading POSIX shared memory",
	"ipc-posix-shm-write-data":   "writing POSIX shared memory",
	"ipc-posix-sem":              "using a POSIX semaphore",
	"system-socket":              "creating a socket of a system domain (such as AF_ROUTE or AF_SYSTEM)",
	"appleevent-send":            "sending an Apple event to another app",
	"forbidden-sandbox-reinit":   "a process that is already sandboxed tried to enter the App Sandbox again, as a helper app that carries com.apple.security.inherit does when it is launched as an app (see sockdoctor rules inherit-misuse)",
	"forbidden-exec-sugid":       "executing a setuid or setgid program",
	"job-creation":               "submitting a launchd job",
	"lsopen":                     "opening a document or app through Launch Services",
	"hid-control":                "posting keyboard or mouse events",
	"device-camera":              "using the camera",
	"device-microphone":          "using the microphone",
	"pseudo-tty":                 "using a pseudo terminal",
	"dynamic-code-generation":    "mapping memory writable and executable (JIT)",
	"generic-issue-extension":    "handing out a sandbox extension",
	"authorization-right-obtain": "obtaining an authorization right",
}

// OperationMeaning returns a one-line meaning of a sandbox operation, or ""
// for an operation sockdoctor does not know.
func OperationMeaning(operation string) string {
	return operationMeanings[operation]
}
