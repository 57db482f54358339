package checks

import (
	"github.com/sockdoctor/sockdoctor/socket"
)

// facts are the inputs of the rules: the app's entitlements and the socket's
// state, flattened from an Input so that a test can state them as a literal.
type facts struct {
	// The app. appKnown is false when the caller has no entitlements, as in
	// explain without --app. The rules then assume a sandboxed app that
	// claims no group and has no exception.
	appKnown      bool
	sandboxed     bool
	bundleID      string
	teamID        string
	groups        []string
	networkClient bool
	networkServer bool
	print         bool
	// fileGrantKeys are the user-selected and bookmark entitlement keys.
	fileGrantKeys []string
	fileExcepts   []fileException
	sbpl          []string
	dist          Distribution

	operation string // "connect" or "bind"
	process   string // denied process from a log line; "" for check
	assumed   []string
	home      string
	// modelledHome is true when home models a Mac's home folder.
	modelledHome bool

	// The socket, as socket.Inspect reports it.
	path           string
	resolved       string
	pathBytes      int // resolved path
	givenBytes     int
	resolveError   string
	notADirectory  bool // a path component is a file (ENOTDIR)
	hops           []hop
	location       socket.Location
	locationDetail string
	containerID    string
	groupTeamID    string
	inspected      bool // false when only a path is known (no stat)
	exists         bool
	fileType       string
	mode           string
	owner          string
	blockingDir    string
	writable       bool
	dial           socket.DialResult
	dialErrno      string
	dialError      string
	serverType     string
	modelled       string // reason a path outside a modelled home was not read
	// containerEngine is true when the given or resolved path is a usual
	// socket of a container engine (Docker Desktop, Colima, OrbStack,
	// Rancher Desktop, Lima, Podman).
	containerEngine bool
}

// fileException is one files.* temporary exception entitlement.
type fileException struct {
	key   string
	paths []string // as written: absolute, or relative to the home folder
}

type hop struct{ from, to string }

func (f *facts) isBind() bool { return f.operation == "bind" }

// sandboxOperation names the Seatbelt operation the kernel checks.
func (f *facts) sandboxOperation() string {
	if f.isBind() {
		return "network-bind"
	}
	return "network-outbound"
}
