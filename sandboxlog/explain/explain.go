// Package explain diagnoses the denials that package sandboxlog reads: a
// Unix socket denial goes through the same rules as `sockdoctor check`, an
// IP denial gets the network entitlement it needs, and any other operation
// gets a one-line meaning.
//
// The logged path is classified without touching the file system, because a
// log is usually read on another machine than the one that wrote it. The
// kernel logs the path after symlinks are resolved (the App Sandbox profile
// matches network-outbound against the resolved path), so for kernel lines
// the logged path is the one the sandbox checked.
package explain

import (
	"fmt"
	"strings"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/sandboxlog"
	"github.com/sockdoctor/sockdoctor/socket"
)

// Options describe the app whose denials are explained.
type Options struct {
	// Target is the app from --app or --entitlements, or nil when unknown.
	Target *entitlements.Target
	// Distribution picks the workarounds; DistributionUnknown lists those
	// of every channel.
	Distribution checks.Distribution
	// Home is the home folder that holds the containers. When empty, it is
	// taken from each logged path that starts with /Users/<name>/.
	Home string
	// DefaultHome is the home folder for a path that names none, such as
	// the target of Docker Desktop's /var/run/docker.sock symlink; the
	// current user's home folder.
	DefaultHome string
}

// Explain diagnoses one group of identical denials.
func Explain(g *sandboxlog.Group, opts Options) report.Denial {
	ev := g.Event
	d := report.Denial{
		Process:        ev.Process,
		PID:            ev.PID,
		Operation:      ev.Operation,
		Target:         ev.Target,
		Errno:          ev.Errno,
		Format:         string(ev.Format),
		Line:           ev.Line,
		Raw:            ev.Raw,
		Count:          g.Count,
		FirstTime:      g.FirstTime,
		LastTime:       g.LastTime,
		Identifier:     ev.Identifier,
		ExecutablePath: ev.ExecutablePath,
		Responsible:    ev.Responsible,
		Backtrace:      ev.Backtrace,
		Findings:       []checks.Finding{},
	}
	if opts.Distribution == "" {
		opts.Distribution = checks.DistributionUnknown
	}

	socketOperation := ev.Operation == sandboxlog.OperationNetworkOutbound || ev.Operation == sandboxlog.OperationNetworkBind
	switch kind := ev.TargetKind(); {
	case socketOperation && kind == sandboxlog.TargetPath && !ev.IsDenial():
		explainSocketError(&d, ev, opts)
	case socketOperation && kind == sandboxlog.TargetPath:
		explainSocket(&d, ev, opts)
	case strings.HasPrefix(ev.Operation, "network-") && kind == sandboxlog.TargetAddress:
		explainNetwork(&d, ev, opts)
	default:
		explainOther(&d, ev)
	}
	return d
}

// explainSocket runs the check rules on a Unix socket denial.
func explainSocket(d *report.Denial, ev sandboxlog.Event, opts Options) {
	d.Kind = report.DenialSocket
	info, home, assumed := classify(ev, opts)
	in := checks.Input{
		Target:       opts.Target,
		Socket:       info,
		Operation:    socketOperationName(ev.Operation),
		Distribution: opts.Distribution,
		Process:      ev.Process,
		Assumed:      assumed,
		Home:         home,
	}
	diagnosis := checks.Diagnose(in)

	// Without the app's entitlements the rules cannot tell whether another
	// app's or group's container is the app's own. The log settles it: the
	// sandbox denied the operation, so the container is neither the app's
	// own nor one of its claimed groups.
	if opts.Target == nil && diagnosis.Verdict.Sandbox == checks.SandboxUnknown {
		in.Target = &entitlements.Target{
			BundleID:     ev.Identifier,
			Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true},
		}
		in.Assumed = append(in.Assumed, "the app is sandboxed and neither owns nor claims this container, because the sandbox denied it; pass --app or --entitlements for the real entitlements")
		diagnosis = checks.Diagnose(in)
	}

	d.Socket = info
	d.Verdict = &diagnosis.Verdict
	d.Findings = diagnosis.Findings
	if diagnosis.Verdict.Sandbox == checks.SandboxAllowed {
		d.Meaning = "The rules allow this path, yet the log shows a denial: the path may be a symlink to a place the sandbox denies, " +
			"or a profile other than the App Sandbox's denied it, such as a custom sandbox-exec profile without a network-outbound rule for the path."
	}
}

// classify builds the socket facts from the logged path alone: where it
// lies relative to the containers, without stat or a test connect.
func classify(ev sandboxlog.Event, opts Options) (*socket.Info, string, []string) {
	var assumed []string
	given := ev.Target
	resolved := socket.MacOSPath(given)

	home := opts.Home
	if home == "" {
		if h, ok := homeFromPath(resolved); ok {
			home = h
			assumed = append(assumed, "home folder "+h+", taken from the logged path")
		}
	}

	var hops []socket.Hop
	// A library names the path it passed to connect(2), before symlinks.
	if link, ok := knownSymlinks[resolved]; ok && ev.Errno != 0 {
		if home == "" && opts.DefaultHome != "" {
			home = opts.DefaultHome
			assumed = append(assumed, "home folder "+home+", the current user's")
		}
		if home != "" {
			to := home + "/" + link.homeRelative
			hops = []socket.Hop{{From: resolved, To: to}}
			assumed = append(assumed, fmt.Sprintf("%s is %s symlink to ~/%s", resolved, link.software, link.homeRelative))
			resolved = to
		}
	}

	bundleID, teamID, groups := "", "", []string(nil)
	if t := opts.Target; t != nil {
		bundleID, teamID = t.BundleID, t.TeamID
		groups = t.Entitlements.View().AppGroups
	}
	if bundleID == "" && ev.Identifier != "" {
		bundleID = ev.Identifier
		assumed = append(assumed, "bundle ID "+bundleID+", taken from the violation report")
	}

	location, detail := socket.Classify(resolved, socket.Options{
		Home: home, BundleID: bundleID, Groups: groups, TeamID: teamID,
		Operation: socketOperationName(ev.Operation),
	})
	info := &socket.Info{
		Path:           given,
		ResolvedPath:   resolved,
		PathBytes:      len(resolved),
		GivenPathBytes: len(given),
		Hops:           hops,
		Location:       location,
		LocationDetail: detail.Detail,
		ContainerID:    detail.ContainerID,
		GroupTeamID:    detail.GroupTeamID,
		SameTeam:       detail.SameTeam,
		SpecialSocket:  detail.SpecialSocket,
		TempKind:       detail.TempKind,
		Dial:           socket.Dial{Result: socket.DialSkipped, Error: "explain reads a log and makes no test connect"},
	}
	return info, home, assumed
}

// knownSymlink is a socket path that well-known software installs as a
// symlink into the home folder.
type knownSymlink struct {
	software     string
	homeRelative string
}

// knownSymlinks maps such paths to their targets. Docker Desktop 4.26 on
// macOS 14 installs /var/run/docker.sock as a symlink to
// ~/.docker/run/docker.sock (docker/for-mac issue 7109), so the sandbox
// checks the home path.
var knownSymlinks = map[string]knownSymlink{
	"/private/var/run/docker.sock": {software: "Docker Desktop's", homeRelative: ".docker/run/docker.sock"},
}

// homeFromPath returns /Users/<name> for a path inside it.
func homeFromPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/Users/")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, "/")
	if !ok || name == "" || name == "Shared" {
		return "", false
	}
	return "/Users/" + name, true
}

func socketOperationName(operation string) string {
	if operation == sandboxlog.OperationNetworkBind {
		return socket.OperationBind
	}
	return socket.OperationConnect
}

// Collector groups events as they are read and explains each group once,
// when its first event arrives.
type Collector struct {
	opts    Options
	grouper sandboxlog.Grouper
	denials []report.Denial
}

// NewCollector returns a Collector that explains with opts.
func NewCollector(opts Options) *Collector {
	return &Collector{opts: opts}
}

// Add adds ev to its group. For the first event of a group it returns the
// new diagnosis and true; for a repeat it returns false.
func (c *Collector) Add(ev sandboxlog.Event) (report.Denial, bool) {
	group, isNew := c.grouper.Add(ev)
	if !isNew {
		return report.Denial{}, false
	}
	d := Explain(group, c.opts)
	c.denials = append(c.denials, d)
	return d, true
}

// Denials returns every diagnosis in the order of first appearance, with
// the current counts and times of their groups.
func (c *Collector) Denials() []report.Denial {
	out := make([]report.Denial, len(c.denials))
	for i, g := range c.grouper.Groups() {
		d := c.denials[i]
		d.Count, d.FirstTime, d.LastTime = g.Count, g.FirstTime, g.LastTime
		out[i] = d
	}
	return out
}

// HomeFromPath returns the home folder /Users/<name> that path lies in, and
// the user name.
func HomeFromPath(path string) (home, user string, ok bool) {
	home, ok = homeFromPath(socket.MacOSPath(path))
	if !ok {
		return "", "", false
	}
	return home, strings.TrimPrefix(home, "/Users/"), true
}
