package checks

import (
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// Input is the set of facts Diagnose decides on: one app, one socket and the
// operation.
type Input struct {
	// Target is the app; nil when it is unknown (explain without --app).
	// Diagnose then assumes a sandboxed app that claims no app group and
	// has no exception, and lists that assumption in the evidence.
	Target *entitlements.Target
	// Socket is the inspected socket. A caller without file access may fill
	// only Path, ResolvedPath and Location; the socket state rules then stay
	// silent because Type is empty.
	Socket *socket.Info
	// Operation is "connect" (the default when empty) or "bind".
	Operation string
	// Distribution picks the workarounds; DistributionUnknown lists those of
	// every channel.
	Distribution Distribution
	// Process is the denied process name from a log line ("curl"); "" for
	// check.
	Process string
	// Assumed lists facts the caller assumed; they are shown as evidence.
	Assumed []string
	// Home is the home folder that holds the containers, as passed to
	// socket.Inspect. Diagnose resolves home-relative file exceptions
	// against it and checks whether the path as given, before symlinks,
	// lies in a reachable place.
	Home string
	// ModelledHome means Home is not the account's own home folder but
	// models a Mac's (tests and CI on Linux). A path inside it is
	// then measured against sun_path as it would read on the Mac, under
	// /Users/<base name of Home>.
	ModelledHome bool
}

// Diagnose decides whether the App Sandbox lets the app perform the
// operation on the socket. Exactly one finding decides the verdict (none
// only without a socket path); the others explain it or report the
// socket's state. Findings are sorted with SortFindings.
func Diagnose(in Input) Diagnosis {
	if in.Socket == nil || in.Socket.Path == "" {
		return Diagnosis{
			Verdict:  Verdict{Sandbox: SandboxUnknown, Summary: "unknown: no socket path to check"},
			Findings: []Finding{},
		}
	}
	f := newFacts(in)
	return diagnose(&f)
}

// newFacts flattens an Input for the rules.
func newFacts(in Input) facts {
	f := facts{
		operation:    in.Operation,
		process:      in.Process,
		assumed:      in.Assumed,
		home:         in.Home,
		modelledHome: in.ModelledHome,
		dist:         in.Distribution,
	}
	if f.operation == "" {
		f.operation = socket.OperationConnect
	}
	if f.dist == "" {
		f.dist = DistributionUnknown
	}
	if f.home != "" {
		f.home = socket.MacOSPath(f.home)
	}

	if t := in.Target; t != nil {
		view := t.Entitlements.View()
		f.appKnown = true
		f.sandboxed = view.Sandboxed
		// An ID such as "../../etc" would name a folder outside the
		// containers, so it counts as unknown. An ID with an unresolved
		// build setting, such as "com.example.$(PRODUCT_NAME)", is kept for
		// the unresolved-placeholder finding.
		if isPathComponent(t.BundleID) {
			f.bundleID = t.BundleID
		}
		f.teamID = t.TeamID
		f.groups = view.AppGroups
		f.networkClient = view.NetworkClient
		f.networkServer = view.NetworkServer
		f.print = view.Print
		f.fileGrantKeys = append(append([]string(nil), view.UserSelected...), view.Bookmarks...)
		for _, exc := range view.Exceptions {
			switch {
			case exc.Kind == "sbpl":
				f.sbpl = append(f.sbpl, exc.Values...)
			case exc.FileException():
				f.fileExcepts = append(f.fileExcepts, fileException{key: exc.Key, paths: exc.Values})
			}
		}
	}

	if s := in.Socket; s != nil {
		f.path = s.Path
		f.resolved = s.ResolvedPath
		f.pathBytes = s.PathBytes
		f.givenBytes = s.GivenBytes()
		for _, h := range s.Hops {
			f.hops = append(f.hops, hop{from: h.From, to: h.To})
		}
		f.resolveError = s.ResolveError
		f.notADirectory = s.StatError == socket.StatNotADirectory || s.Dial.Errno == "ENOTDIR"
		f.location = s.Location
		f.locationDetail = s.LocationDetail
		f.containerID = s.ContainerID
		f.groupTeamID = s.GroupTeamID
		f.inspected = s.Type != ""
		f.exists = s.Exists
		f.fileType = s.Type
		f.mode = s.Mode
		f.owner = s.Owner
		f.blockingDir = s.BlockingDir
		f.writable = s.Writable
		f.dial = s.Dial.Result
		f.dialErrno = s.Dial.Errno
		f.dialError = s.Dial.Error
		f.serverType = s.Dial.ServerType
		f.modelled = s.Modelled
		f.containerEngine = socket.IsContainerEngineSocket(s.Path, in.Home) ||
			(s.ResolvedPath != "" && socket.IsContainerEngineSocket(s.ResolvedPath, in.Home))
	}
	return f
}
