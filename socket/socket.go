// Package socket inspects a Unix domain socket path the way the macOS kernel
// and App Sandbox see it: the resolved path, its length against sun_path, its
// type, mode and owner, where it sits relative to the app's containers, and
// what a test connect returns.
//
// Sources for the macOS behaviour it models: the App Sandbox profile
// application.sb (macOS 14.4 and 26.6) matches network-outbound and
// network-bind against the resolved path, so /tmp is seen as /private/tmp and
// symlinks are followed first; xnu bsd/sys/un.h sizes sun_path at 104 bytes.
//
// Everything except the test connect is plain path and file inspection, so it
// runs on Linux too. There, paths are reported in their macOS form
// (/private/tmp/...) while the host's own files are read.
package socket

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Location classifies a resolved socket path relative to the places the App
// Sandbox profile lets an app reach. The values are part of the JSON report.
type Location string

const (
	// LocationOwnContainer is the app's own container,
	// ~/Library/Containers/<bundle-id>/.
	LocationOwnContainer Location = "own-container"
	// LocationAppGroup is the container of an app group the app claims,
	// ~/Library/Group Containers/<group-id>/.
	LocationAppGroup Location = "app-group"
	// LocationOtherAppContainer is another app's container, or any app
	// container when the app's bundle ID is unknown.
	LocationOtherAppContainer Location = "other-app-container"
	// LocationOtherGroup is the container of an app group the app does not
	// claim.
	LocationOtherGroup Location = "other-group"
	// LocationVarRun is under VarRun, including the special sockets.
	LocationVarRun Location = "var-run"
	// LocationTmp is a temporary folder: /private/tmp, /private/var/tmp or
	// a per-user $TMPDIR under /private/var/folders (Info.TempKind).
	LocationTmp Location = "tmp"
	// LocationHome is the home folder outside every container, such as
	// ~/.docker/run.
	LocationHome Location = "home"
	// LocationSystem is a folder macOS installs and manages, such as /usr
	// or /private/var outside its run and temporary folders.
	LocationSystem Location = "system"
	// LocationOther is anything else, including any path outside the home
	// folder when no home folder is known.
	LocationOther Location = "other"
)

// DialResult classifies the outcome of a test connect. The values are part of
// the JSON report.
type DialResult string

const (
	// DialConnected means a server accepted the connection, which was then
	// closed without sending anything.
	DialConnected DialResult = "connected"
	// DialRefused is ECONNREFUSED: usually a socket file that no server
	// listens on.
	DialRefused DialResult = "refused"
	// DialNotFound is ENOENT, or ENOTDIR when a path component is a file.
	// Dial.Errno distinguishes them.
	DialNotFound DialResult = "not-found"
	// DialPermissionDenied is EACCES: file permissions on the socket or a
	// folder above it.
	DialPermissionDenied DialResult = "permission-denied"
	// DialNotASocket is ENOTSOCK, or a path whose file type is no socket.
	DialNotASocket DialResult = "not-a-socket"
	// DialWrongType is EPROTOTYPE: the server's socket type is not stream.
	DialWrongType DialResult = "wrong-type"
	// DialTimeout means the connect did not finish within Options.Timeout.
	DialTimeout DialResult = "timeout"
	// DialPathTooLong means the host rejected the path as longer than its
	// sun_path (EINVAL from Go, or ENAMETOOLONG).
	DialPathTooLong DialResult = "path-too-long"
	// DialSkipped means no connect was made, and Dial.SkipReason gives the reason.
	DialSkipped DialResult = "skipped"

	// DialBusy is EAGAIN: Linux returns it at once when the listener's
	// backlog is full because the server does not accept connections.
	DialBusy DialResult = "busy"

	// DialNotPermitted is EPERM. On macOS it means the sandbox or another
	// mandatory access control denied the connect (Apple DTS), never that the
	// server is not running.
	DialNotPermitted DialResult = "not-permitted"
	// DialFailed is any other error, such as ELOOP or EINVAL. Dial.Errno and
	// Dial.Error carry the details.
	DialFailed DialResult = "failed"
)

// SunPathSize is the size of sockaddr_un.sun_path on Darwin: 103 usable bytes
// plus the terminating NUL (xnu bsd/sys/un.h).
const SunPathSize = 104

// Operations the sandbox checks on a Unix socket path: connect(2) is
// network-outbound and bind(2) is network-bind.
const (
	OperationConnect = "connect"
	OperationBind    = "bind"
)

// DefaultTimeout is the test connect's timeout when Options.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// Options describe the app whose view of the socket Inspect reports.
type Options struct {
	Home      string        // home folder that holds the containers; default: the current user's
	BundleID  string        // the app's bundle ID, which names its own container
	Groups    []string      // application groups the app claims
	TeamID    string        // the app's Team ID, compared with group prefixes
	Operation string        // OperationConnect (default) or OperationBind
	Dial      bool          // make a test connect
	Timeout   time.Duration // test connect timeout; default DefaultTimeout

	// ModelOutsideHome means Home models a Mac's home folder, so a
	// path outside it is not read or dialled on this host, where it would
	// describe the wrong machine. Documented symlinks such as Docker
	// Desktop's /var/run/docker.sock are followed to their target in Home.
	ModelOutsideHome bool

	// givenHome is Home in its macOS form before symlinks are resolved, so
	// a path written through a symlinked home still counts as inside it.
	givenHome string
}

// Hop is one symlink followed while resolving a path: From is the link and To
// the path it leads to, both in their macOS form.
type Hop struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Dial is the outcome of a test connect.
type Dial struct {
	Result DialResult `json:"result"`
	Errno  string     `json:"errno,omitempty"` // symbolic name, such as "ECONNREFUSED"
	// Error is the connect's error text; it is empty for a skipped
	// connect, whose reason is in SkipReason.
	Error string `json:"error,omitempty"`
	// SkipReason is the reason a skipped connect was not made, such as "not
	// requested". It is for people, so the JSON report leaves it out.
	SkipReason string `json:"-"`
	// ServerType is the server's socket type ("datagram" or "seqpacket")
	// found by a second connect after a wrong-type result.
	ServerType string `json:"server_type,omitempty"`
}

// Info is the report of Inspect on one socket path.
type Info struct {
	Path           string   `json:"path"`          // as given, after ~ expansion
	ResolvedPath   string   `json:"resolved_path"` // macOS form, symlinks followed
	PathBytes      int      `json:"path_bytes"`    // length of ResolvedPath in bytes
	Location       Location `json:"location"`
	LocationDetail string   `json:"location_detail"` // one sentence, such as "group container of ... (another team)"
	Exists         bool     `json:"exists"`
	Type           string   `json:"type"`  // socket, file, directory, symlink, missing, other or unknown
	Mode           string   `json:"mode"`  // ls style, such as "srwxr-xr-x"; empty unless Exists
	Owner          string   `json:"owner"` // user name, or the uid when it has no name
	Dial           Dial     `json:"dial"`

	// GivenPathBytes is the length of the path as given. A client passes this
	// path to connect(2), so it is what must fit sun_path. It can be shorter
	// than PathBytes: /tmp/x resolves to /private/tmp/x.
	GivenPathBytes int    `json:"given_path_bytes,omitempty"`
	Hops           []Hop  `json:"hops,omitempty"`
	ResolveError   string `json:"resolve_error,omitempty"` // symlink loop or too many hops
	StatError      string `json:"stat_error,omitempty"`    // the lstat error behind Type "unknown", or StatNotADirectory behind "missing"
	ContainerID    string `json:"container_id,omitempty"`  // bundle ID or group ID of the enclosing container
	GroupTeamID    string `json:"group_team_id,omitempty"` // Team ID prefix of that group
	SameTeam       bool   `json:"same_team,omitempty"`     // GroupTeamID equals Options.TeamID
	SpecialSocket  string `json:"special_socket,omitempty"`
	TempKind       string `json:"temp_kind,omitempty"`    // which temporary folder, for LocationTmp
	BlockingDir    string `json:"blocking_dir,omitempty"` // first parent folder the user cannot search
	Writable       bool   `json:"writable,omitempty"`     // connect: the socket; bind: its parent folder
	// Modelled describes how a path outside a modelled home folder was judged
	// without reading it (Options.ModelOutsideHome); "" when it was read.
	Modelled string `json:"modelled,omitempty"`
}

// GivenBytes returns GivenPathBytes, or the length of Path for an Info
// built without Inspect, such as one a caller filled from a log line.
func (i *Info) GivenBytes() int {
	if i.GivenPathBytes == 0 {
		return len(i.Path)
	}
	return i.GivenPathBytes
}

// Inspect resolves path, classifies where it sits, reads its file status and,
// with opts.Dial, makes a test connect that sends nothing.
//
// It returns an error only for unusable input: an empty path, a path with a
// NUL byte, an unknown operation, a negative timeout or a relative home.
// Problems with the path itself (missing, a symlink loop, no permission) are
// reported in Info.
func Inspect(path string, opts Options) (*Info, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	expanded, err := expandPath(path, opts.Home)
	if err != nil {
		return nil, err
	}

	// The home folder goes through the same resolution as the socket path,
	// so that a symlinked home on the host still matches the resolved path.
	opts.givenHome = MacOSPath(opts.Home)
	opts.Home = resolveHost(opts.Home).macPath

	info := &Info{Path: expanded, GivenPathBytes: len(expanded)}
	if modelOutsideHome(expanded, opts) {
		inspectModelled(info, expanded, opts)
		return info, nil
	}

	res := resolveHost(expanded)
	info.ResolvedPath = res.macPath
	info.PathBytes = len(res.macPath)
	info.Hops = res.hops
	if res.err != nil {
		info.ResolveError = res.err.Error()
	}
	classifyInto(info, opts)

	readAndDial(info, res, hostPath(expanded), opts)
	return info, nil
}

// readAndDial reads the file status of the resolved path and, with
// opts.Dial, makes a test connect to dialPath. A resolved path that has left
// a modelled home folder through a symlink is modelled instead: it is
// neither read nor dialled.
func readAndDial(info *Info, res resolution, dialPath string, opts Options) {
	if opts.ModelOutsideHome && (res.err != nil || !Within(res.macPath, opts.Home)) {
		info.Type = "unknown"
		info.Modelled = fmt.Sprintf("%s resolves to %s, outside the home folder %s, which models a Mac, so it was not read or dialled on this host",
			info.Path, res.macPath, opts.Home)
		if res.err != nil {
			info.Modelled = fmt.Sprintf("%s could not be resolved (%v), so with the home folder %s modelling a Mac it was not read or dialled on this host",
				info.Path, res.err, opts.Home)
		}
		info.Dial = Dial{Result: DialSkipped, SkipReason: skippedOutsideHome}
		return
	}
	dialResolved := false
	if opts.ModelOutsideHome {
		// Connect to the resolved path, which has no symlink left, so a
		// link swapped after resolution or a chain longer than the
		// resolver follows cannot lead the connect out of the home folder.
		dialPath, dialResolved = res.host, true
	}

	readFileStatus(info, res, opts.Operation)

	info.Dial = Dial{Result: DialSkipped}
	switch {
	case !opts.Dial:
		info.Dial.SkipReason = skippedNotRequested
	case dialResolved && len(dialPath) >= hostSunPathSize:
		info.Dial.SkipReason = skippedResolvedTooLong
	case opts.Operation == OperationBind && !info.Exists:
		info.Dial.SkipReason = skippedBindMissing
	default:
		info.Dial = DialPath(dialPath, opts.Timeout)
	}
}

// Reasons for a skipped test connect, shown after "skipped".
const (
	skippedNotRequested = "not requested"
	skippedBindMissing  = "bind: nothing at the path to connect to"
	skippedOutsideHome  = "the path is outside the modelled home folder"
	// A modelled home folder connects only to the resolved path; when that
	// does not fit sun_path on this host, no connect is made at all.
	skippedResolvedTooLong = "the resolved path is too long to connect to without following symlinks"
)

// classifyInto places info.ResolvedPath relative to the app's containers.
func classifyInto(info *Info, opts Options) {
	loc, detail := Classify(info.ResolvedPath, opts)
	info.Location = loc
	info.LocationDetail = detail.Detail
	info.ContainerID = detail.ContainerID
	info.GroupTeamID = detail.GroupTeamID
	info.SameTeam = detail.SameTeam
	info.SpecialSocket = detail.SpecialSocket
	info.TempKind = detail.TempKind
}

func (o Options) withDefaults() (Options, error) {
	switch o.Operation {
	case "":
		o.Operation = OperationConnect
	case OperationConnect, OperationBind:
	default:
		return o, fmt.Errorf("invalid operation %q: use %q or %q", o.Operation, OperationConnect, OperationBind)
	}

	switch {
	case o.Timeout < 0:
		return o, fmt.Errorf("invalid timeout %s: use a positive duration such as 2s", o.Timeout)
	case o.Timeout == 0:
		o.Timeout = DefaultTimeout
	}

	if o.Home == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return o, fmt.Errorf("cannot find the home folder: %w; set HOME or pass a home folder", err)
		}
		o.Home = home
	}
	if !filepath.IsAbs(o.Home) {
		return o, fmt.Errorf("invalid home folder %q: use an absolute path", o.Home)
	}
	o.Home = filepath.Clean(o.Home)
	return o, nil
}

// expandPath replaces a leading "~" or "~/" with home and makes the path
// absolute against the working directory, without cleaning it.
func expandPath(path, home string) (string, error) {
	switch {
	case path == "":
		return "", errors.New("empty socket path: pass the path of a Unix domain socket")
	case strings.IndexByte(path, 0) >= 0:
		return "", fmt.Errorf("invalid socket path %q: it contains a NUL byte", path)
	case path == "~":
		path = home
	case strings.HasPrefix(path, "~/"):
		path = strings.TrimSuffix(home, "/") + path[1:]
	case strings.HasPrefix(path, "~"):
		return "", fmt.Errorf("invalid socket path %q: only ~/ is expanded, not ~user; give the full path", path)
	}
	if filepath.IsAbs(path) {
		return path, nil
	}

	// No filepath.Abs: it cleans "link/.." lexically, while the kernel
	// applies ".." to the link's target.
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("cannot make socket path %q absolute: %w; give an absolute path", path, err)
	}
	return strings.TrimSuffix(wd, "/") + "/" + path, nil
}
