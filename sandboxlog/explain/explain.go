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
	"slices"
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
	// taken from each logged path that starts with /Users/<name>/, and a
	// path that needs a home but names none, such as the target of Docker
	// Desktop's /var/run/docker.sock symlink, is placed in PlaceholderHome.
	Home string
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

// standInBundleID is the bundle ID of the modelled app when the log names
// none. The "invalid" top-level domain keeps it from matching a real app.
const standInBundleID = "invalid.sockdoctor.unknown-app"

// explainSocket runs the check rules on a Unix socket denial.
func explainSocket(d *report.Denial, ev sandboxlog.Event, opts Options) {
	d.Kind = report.DenialSocket
	info, home, assumed := classify(ev, opts)
	if opts.Target == nil {
		assumed = append([]string{unknownAppAssumption}, assumed...)
	}
	in := checks.Input{
		Target:       opts.Target,
		Socket:       info.Info,
		Operation:    socketOperationName(ev.Operation),
		Distribution: opts.Distribution,
		Process:      ev.Process,
		Home:         home,
	}
	diagnosis := checks.Diagnose(in)
	usedStandIn := false

	// Without the app's entitlements the rules cannot tell whether another
	// app's or group's container is the app's own. The log settles it: the
	// sandbox denied the operation, so the container is neither the app's
	// own nor one of its claimed groups.
	if opts.Target == nil && diagnosis.Verdict.Sandbox == checks.SandboxUnknown {
		bundleID := info.bundleID
		if bundleID == "" {
			usedStandIn = true
			// No violation report named the app. Any ID that differs from
			// the container's settles it, because the denial already proves
			// the container is not the app's own.
			bundleID = standInBundleID
		}
		in.Target = &entitlements.Target{
			BundleID:     bundleID,
			Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true},
		}
		assumed = append(assumed, "the app neither owns nor claims this container, because the sandbox denied it")
		diagnosis = checks.Diagnose(in)
	}

	findings := diagnosis.Findings
	if ev.Process == "" {
		// A library message names no process, so no spawned tool is
		// known to be denied.
		findings = withoutRule(findings, "child-inherits-sandbox")
	}
	verdict := diagnosis.Verdict
	if contradicted(verdict) {
		fd := deniedDespiteRules(ev, info, verdict, opts.Distribution)
		findings = append(findings, fd)
		checks.SortFindings(findings)
		verdict = checks.Verdict{Sandbox: checks.SandboxDenied, Rule: fd.Rule, Summary: fd.Message}
	}
	for i := range findings {
		findings[i].Evidence = assumptionsFirst(findings[i], assumed, opts.Target == nil)
	}

	d.Assumed = assumed
	d.Meaning = socketMeaning(ev.Operation)
	d.Socket = info.Info
	d.Verdict = &verdict
	d.Findings = findings
	if info.placeholderHome {
		showPlaceholderHome(d)
	}
	if usedStandIn {
		showStandInBundleID(d)
	}
}

// showStandInBundleID writes the stand-in app's bundle ID as "<bundle-id>"
// in the denial's messages, so no made-up ID reaches the reader.
func showStandInBundleID(d *report.Denial) {
	name := func(s string) string { return strings.ReplaceAll(s, standInBundleID, "<bundle-id>") }
	if d.Verdict != nil {
		d.Verdict.Summary = name(d.Verdict.Summary)
	}
	for i := range d.Findings {
		f := &d.Findings[i]
		f.Message = name(f.Message)
		for j := range f.Evidence {
			f.Evidence[j] = name(f.Evidence[j])
		}
		for j := range f.Workaround {
			f.Workaround[j] = name(f.Workaround[j])
		}
	}
}

// unknownAppAssumption is the check rules' assumption about the app
// without --app or --entitlements. Every conclusion that depends on an entitlement rests on
// it, so it leads the evidence.
const unknownAppAssumption = "app unknown, so taken to be sandboxed, without network, print or app group entitlements and without exceptions; pass --app or --entitlements to use its real entitlements"

// contradicted reports whether the rules' verdict contradicts the log,
// which shows a denial: the rules allow the operation, or find no sandbox.
func contradicted(v checks.Verdict) bool {
	return v.Sandbox == checks.SandboxAllowed || v.Sandbox == checks.SandboxNotSandboxed
}

// deniedDespiteRules returns the finding for a denial that the rules
// allow. Only a client message can name a path before symlinks: the kernel
// logs the path after resolving them.
func deniedDespiteRules(ev sandboxlog.Event, info *socketFacts, v checks.Verdict, dist checks.Distribution) checks.Finding {
	rules := fmt.Sprintf("the App Sandbox rules allow %s on %s (%s)", ev.Operation, info.ResolvedPath, v.Rule)
	if v.Sandbox == checks.SandboxNotSandboxed {
		rules = "the app is not sandboxed (" + v.Rule + ")"
	}

	var message string
	if ev.Errno == 0 {
		message = fmt.Sprintf("denied: %s, yet the kernel logged a denial, so another sandbox profile (such as a custom sandbox-exec profile) denied it "+
			"or the signed build lacks an entitlement; the kernel logs the path after symlinks, so a symlink is not the cause", rules)
	} else {
		message = fmt.Sprintf("denied: %s, yet the client's connect failed with EPERM, so %s may be a symlink to a place the sandbox denies, "+
			"another sandbox profile (such as a custom sandbox-exec profile) denied it, or the signed build lacks an entitlement", rules, ev.Target)
	}

	rule, ok := checks.Lookup(checks.DeniedDespiteRulesID)
	if !ok {
		panic("explain: rule " + checks.DeniedDespiteRulesID + " is not registered")
	}
	return rule.NewFinding(dist, message,
		"log line: "+ev.Raw,
		fmt.Sprintf("rules verdict: %s (%s)", v.Sandbox, v.Rule))
}

// withoutRule returns findings without those of the rule id.
func withoutRule(findings []checks.Finding, id string) []checks.Finding {
	out := findings[:0:0]
	for _, f := range findings {
		if f.Rule != id {
			out = append(out, f)
		}
	}
	return out
}

// assumptionsFirst returns the finding's evidence with explain's
// assumptions first, so a reader sees what a conclusion rests on before
// the conclusion's facts. Without a real app (dropApp) it drops the check
// rules' lines about the app: the line about the unknown app, which the
// assumptions restate more fully, or the modelled app's entitlement lines,
// which are assumptions too.
func assumptionsFirst(fd checks.Finding, assumed []string, dropApp bool) []string {
	out := make([]string, 0, len(assumed)+len(fd.Evidence))
	for _, a := range assumed {
		out = append(out, "assumed: "+a)
	}
	for _, line := range fd.Evidence {
		if dropApp && slices.Contains(fd.AppEvidence, line) {
			continue
		}
		out = append(out, line)
	}
	return out
}

// showPlaceholderHome writes the placeholder home folder as "~" in every
// path and text of d, because it stands for a home folder the log does not
// name.
func showPlaceholderHome(d *report.Denial) {
	tilde := func(s string) string { return report.Redact(s, PlaceholderHome, "") }
	if s := d.Socket; s != nil {
		s.ResolvedPath = tilde(s.ResolvedPath)
		for i := range s.Hops {
			s.Hops[i].To = tilde(s.Hops[i].To)
		}
	}
	if d.Verdict != nil {
		d.Verdict.Summary = tilde(d.Verdict.Summary)
	}
	for i := range d.Findings {
		f := &d.Findings[i]
		f.Message = tilde(f.Message)
		for j := range f.Evidence {
			f.Evidence[j] = tilde(f.Evidence[j])
		}
	}
}

// PlaceholderHome is the home folder explain models when the log names no
// /Users/NAME path and --home is not given. Output shows it as "~", since
// it stands for whichever user's home the socket lies in. The host's own
// home folder is never used: the log usually comes from another machine,
// and on Linux that folder is no macOS home at all.
const PlaceholderHome = "/Users/user"

// socketFacts are the socket facts of a logged path and how they were
// found.
type socketFacts struct {
	*socket.Info
	// bundleID is the app's bundle ID from the target or the violation
	// report; "" when neither names one.
	bundleID string
	// placeholderHome is true when the path was placed in PlaceholderHome.
	placeholderHome bool
}

// classify builds the socket facts from the logged path alone: where it
// lies relative to the containers, without stat or a test connect. It
// returns the facts, the home folder used and what it assumed.
func classify(ev sandboxlog.Event, opts Options) (*socketFacts, string, []string) {
	var (
		assumed []string
		facts   socketFacts
	)
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
	if target, source, ok := socket.DocumentedLink(resolved); ok && ev.Errno != 0 {
		if home == "" {
			home = PlaceholderHome
			facts.placeholderHome = true
			assumed = append(assumed, "home folder ~, a placeholder because the log names no /Users/NAME folder; pass --home for the real one")
		}
		to := home + "/" + target
		hops = []socket.Hop{{From: resolved, To: to}}
		assumed = append(assumed, fmt.Sprintf("%s is a symlink to ~/%s, as documented by %s", resolved, target, source))
		resolved = to
	}

	bundleID, teamID, groups := "", "", []string(nil)
	if t := opts.Target; t != nil {
		bundleID, teamID = t.BundleID, t.TeamID
		groups = t.Entitlements.View().AppGroups
	}
	// A logged identifier names the container folder only when it is a
	// valid bundle ID, so a forged "../../etc" never becomes a path.
	if bundleID == "" && checks.ValidBundleID(ev.Identifier) {
		bundleID = ev.Identifier
		assumed = append(assumed, "bundle ID "+bundleID+", taken from the violation report")
	}
	facts.bundleID = bundleID

	location, detail := socket.Classify(resolved, socket.Options{
		Home: home, BundleID: bundleID, Groups: groups, TeamID: teamID,
		Operation: socketOperationName(ev.Operation),
	})
	facts.Info = &socket.Info{
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
		// The logged path usually belongs to another Mac, so its file
		// state is not read here.
		Type:     "unknown",
		Modelled: "explain judges the logged path without reading it or making a test connect; the log usually comes from another Mac",
		Dial:     socket.Dial{Result: socket.DialSkipped},
	}
	return &facts, home, assumed
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

// socketMeaning returns the one-line meaning of a socket operation on a
// Unix socket path.
func socketMeaning(operation string) string {
	if operation == sandboxlog.OperationNetworkBind {
		return "bind(2) of a Unix socket path, which creates the socket file (network-bind)"
	}
	return "connect(2) to a Unix socket path (network-outbound)"
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
