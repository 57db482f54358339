package checks

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/sockdoctor/sockdoctor/socket"
)

// Verdict values of the sandbox question.
const (
	SandboxAllowed      = "allowed"
	SandboxDenied       = "denied"
	SandboxNotSandboxed = "not-sandboxed"
	SandboxUnknown      = "unknown"
)

// Verdict is the decision whether the App Sandbox lets the app perform the
// operation on the socket, with the ID of the finding that decides it.
type Verdict struct {
	// Sandbox is allowed, denied, not-sandboxed or unknown.
	Sandbox string `json:"sandbox"`
	// Rule is the ID of the deciding finding; "" only when Diagnose had no
	// socket path.
	Rule string `json:"rule"`
	// Summary is the deciding finding's message.
	Summary string `json:"summary"`
}

// Diagnosis is the verdict plus every finding, sorted with SortFindings.
type Diagnosis struct {
	Verdict  Verdict   `json:"verdict"`
	Findings []Finding `json:"findings"`
}

// spawnedTools are command-line tools apps commonly start to reach a socket;
// a denial logged for one of them comes from the app's inherited sandbox.
var spawnedTools = []string{"curl", "ssh", "nc", "ncat", "socat", "git", "docker", "podman", "psql", "mysql", "redis-cli", "python3", "node"}

// diagnose applies every rule to f. Exactly one finding decides the
// verdict; the others explain it.
func diagnose(f *facts) Diagnosis {
	decider, sandbox := decide(f)
	// Reaching another team's engine is a connect problem. For bind the app
	// creates the socket itself, so running its own containers does not help.
	if f.containerEngine && f.operation != socket.OperationBind && (decider.Rule == ruleOutsideSandboxReach.ID || decider.Rule == ruleSymlinkEscapes.ID) {
		decider.Workaround = append(decider.Workaround, workaroundsFor(ownContainersWorkarounds, f.dist)...)
	}

	findings := []Finding{*decider}
	if sandbox == SandboxDenied {
		findings = append(findings, explainDenial(f, decider.Rule)...)
	}
	findings = append(findings, pathFindings(f)...)
	findings = append(findings, stateFindings(f)...)
	fitWorkaroundsToOperation(f, findings, sandbox == SandboxDenied, decider.Rule)
	SortFindings(findings)

	verdict := Verdict{Sandbox: sandbox, Rule: decider.Rule, Summary: decider.Message}
	return Diagnosis{Verdict: verdict, Findings: findings}
}

// decide returns the finding that decides the sandbox verdict, never nil,
// and the verdict. The built-in profile decides first. The app's sbpl
// exceptions then override it in either direction, because the sandbox
// evaluates them after application.sb and a later matching rule wins.
func decide(f *facts) (*Finding, string) {
	if f.appKnown && !f.sandboxed {
		fd := f.newFindingWithApp(ruleNotSandboxed,
			"not sandboxed: the app has no com.apple.security.app-sandbox entitlement, so the App Sandbox does not limit its sockets",
			nil)
		return &fd, SandboxNotSandboxed
	}

	decider, sandbox := decideBuiltIn(f)
	action, src := sbplDecision(f.sbpl, f.sandboxOperation(), f.resolvedPath())
	evidence := append(f.socketEvidence(), "sbpl exception: "+strings.TrimSpace(src))
	switch {
	case action == sbplAllow && sandbox != SandboxAllowed:
		builtIn := "denies"
		if sandbox == SandboxUnknown {
			builtIn = "may deny"
		}
		fd := ruleSBPLException.NewFinding(f.dist,
			fmt.Sprintf("allowed: an sbpl exception allows %s on %s, which the built-in profile %s (%s)",
				f.sandboxOperation(), f.resolvedPath(), builtIn, decider.Rule),
			evidence...)
		return &fd, SandboxAllowed
	case action == sbplDeny && sandbox != SandboxDenied:
		builtIn := "allows"
		if sandbox == SandboxUnknown {
			builtIn = "may allow"
		}
		fd := ruleSBPLException.NewFinding(f.dist,
			fmt.Sprintf("denied: an sbpl exception denies %s on %s, which the built-in profile %s (%s)",
				f.sandboxOperation(), f.resolvedPath(), builtIn, decider.Rule),
			evidence...)
		// The finding decides a denial, so it counts as an error, and the
		// rule's workarounds, which assume an allowing exception, do not fit.
		fd.Severity = SeverityError
		fd.Workaround = []string{"Remove the sbpl deny rule that matches this path, or narrow it so that it leaves the socket out."}
		return &fd, SandboxDenied
	}
	return decider, sandbox
}

// decideBuiltIn applies the rules of application.sb to the resolved path.
func decideBuiltIn(f *facts) (*Finding, string) {
	resolved := f.resolvedPath()
	evidence := f.socketEvidence()
	allow := func(r *Rule, format string, args ...any) (*Finding, string) {
		fd := f.newFindingWithApp(r, "allowed: "+fmt.Sprintf(format, args...), evidence)
		return &fd, SandboxAllowed
	}
	deny := func(r *Rule, format string, args ...any) (*Finding, string) {
		fd := f.newFindingWithApp(r, "denied: "+fmt.Sprintf(format, args...), evidence)
		return &fd, SandboxDenied
	}

	if socket.Within(resolved, socket.VarRun) && !f.isBind() {
		if r, msg, denied := f.systemSocket(); denied {
			return deny(r, "%s", msg)
		} else if msg != "" {
			return allow(ruleAllowedVarRun, "%s", msg)
		}
		return allow(ruleAllowedVarRun, "%s is under %s, where the profile allows network-outbound to every app, but the socket's file mode still applies", resolved, socket.VarRun)
	}

	switch f.location {
	case socket.LocationOwnContainer:
		return allow(ruleAllowedOwnContainer, "%s is inside the app's own container, where the profile allows %s", resolved, f.sandboxOperation())
	case socket.LocationAppGroup:
		return allow(ruleAllowedAppGroup, "%s is inside the container of the claimed app group %s, where the profile allows %s", resolved, f.containerID, f.sandboxOperation())
	}

	// Without the app's bundle ID any app container may be its own, and
	// without its entitlements any group container may be claimed. An
	// unresolved placeholder leaves the same doubt.
	if fd := decideUnknown(f); fd != nil {
		return fd, SandboxUnknown
	}

	if f.escapingHops() != nil && f.givenReachable() {
		return deny(ruleSymlinkEscapes, "%s looks reachable, but the sandbox checks the resolved path %s, which is %s",
			f.path, resolved, f.outsideClause())
	}

	switch f.location {
	case socket.LocationOtherAppContainer:
		return deny(ruleOtherAppContainer, "%s is inside the container of another app (%s). A sandboxed app reaches only its own container (%s)",
			resolved, f.containerID, f.ownContainerLabel())
	case socket.LocationOtherGroup:
		fd, verdict := deny(ruleGroupNotClaimed, "%s is inside the container of app group %s, which the app does not claim. %s",
			resolved, f.containerID, f.groupTeamClause())
		if workarounds := f.groupWorkarounds(); workarounds != nil {
			fd.Workaround = workaroundsFor(workarounds, f.dist)
		}
		return fd, verdict
	}
	fd, verdict := deny(ruleOutsideSandboxReach, "%s is %s, so %s is denied with EPERM", resolved, f.outsideClause(), f.sandboxOperation())
	fd.Evidence = append(fd.Evidence, fmt.Sprintf("file grants: files.* temporary exceptions, Open panel choices and security-scoped bookmarks "+
		"extend file access only, so none of them would cover %s on this socket", f.sandboxOperation()))
	return fd, verdict
}

// systemSocket applies the carve-outs of application.sb for the system
// sockets under /private/var/run. denied is true when the app may not
// connect; msg is "" for a socket that is not one of them.
func (f *facts) systemSocket() (r *Rule, msg string, denied bool) {
	resolved := f.resolvedPath()
	switch resolved {
	case socket.UsbmuxdPath:
		return ruleSystemSocketEntitlement, resolved + " (usbmuxd) is denied to every sandboxed app whatever its entitlements. Only an sbpl exception lifts it", true
	case socket.CupsdPath:
		if !f.print {
			return ruleSystemSocketEntitlement, resolved + " (cupsd) needs com.apple.security.print, " + f.lacks(), true
		}
		return nil, resolved + " (cupsd) is allowed by com.apple.security.print", false
	case socket.MDNSResponderPath:
		if !f.networkClient && !f.networkServer {
			return ruleSystemSocketEntitlement, resolved + " (mDNSResponder) needs com.apple.security.network.client or .network.server, " + f.lacks(), true
		}
		return nil, resolved + " (mDNSResponder) is allowed by the app's network entitlement", false
	}
	return nil, "", false
}

// lacks ends a sentence about an entitlement the app lacks, and states when
// that is only assumed because the app is unknown.
func (f *facts) lacks() string {
	if !f.appKnown {
		return "which the app is assumed to lack (pass --app or --entitlements)"
	}
	return "which the app lacks"
}

// explainDenial returns the findings that explain a denial beyond the
// deciding one: why tempting fixes do not help.
func explainDenial(f *facts, decidingRule string) []Finding {
	var out []Finding
	resolved := f.resolvedPath()

	if hops := f.escapingHops(); hops != nil && decidingRule != ruleSymlinkEscapes.ID {
		out = append(out, ruleSymlinkEscapes.NewFinding(f.dist,
			fmt.Sprintf("%s passes through a symlink to %s, and the sandbox checks the resolved path", f.path, resolved),
			hops...))
	}
	if decidingRule != ruleSBPLException.ID {
		if fd, ok := f.unmatchedSBPL(); ok {
			out = append(out, fd)
		}
	}

	if key, value, ok := f.coveringFileException(); ok {
		out = append(out, ruleFileExceptionNoSocket.NewFinding(f.dist,
			fmt.Sprintf("%s covers %s with %q, but file exceptions do not grant %s (Apple's own statements on this disagree)",
				key, resolved, value, f.sandboxOperation()),
			fmt.Sprintf("entitlement %s: %q", key, value)))
	}

	if len(f.fileGrantKeys) > 0 {
		out = append(out, ruleBookmarkNoSocket.NewFinding(f.dist,
			"the Open panel and security-scoped bookmarks grant file access only, so they cannot grant "+f.sandboxOperation()+" on a socket",
			"entitlements: "+strings.Join(f.fileGrantKeys, ", ")))
	}

	if (f.networkClient || f.networkServer) && resolved != socket.MDNSResponderPath {
		var keys []string
		if f.networkClient {
			keys = append(keys, "com.apple.security.network.client")
		}
		if f.networkServer {
			keys = append(keys, "com.apple.security.network.server")
		}
		verb := " covers"
		if len(keys) > 1 {
			verb = " cover"
		}
		out = append(out, ruleNetworkClientNotUnix.NewFinding(f.dist,
			strings.Join(keys, " and ")+verb+" IP connections, not Unix socket paths such as "+resolved,
			"entitlements: "+strings.Join(keys, ", ")))
	}

	if fd, ok := f.childFinding(); ok {
		out = append(out, fd)
	}
	return out
}

// unmatchedSBPL returns an sbpl-exception finding for a denied socket when
// the app has sbpl exceptions, none of which allows the resolved path. A
// rule that matches only the unresolved form (/tmp instead of /private/tmp,
// or the symlink) gets the resolved path to write instead.
func (f *facts) unmatchedSBPL() (Finding, bool) {
	if len(f.sbpl) == 0 {
		return Finding{}, false
	}
	op, resolved := f.sandboxOperation(), f.resolvedPath()
	var evidence []string
	for _, src := range f.sbpl {
		evidence = append(evidence, "sbpl exception: "+strings.TrimSpace(src))
	}

	for _, src := range f.sbpl {
		for _, alias := range unresolvedForms(f.path, resolved) {
			if allowed, err := sbplAllows(src, op, alias); err != nil || !allowed {
				continue
			}
			fd := ruleSBPLException.NewFinding(f.dist,
				fmt.Sprintf("the sbpl exception allows %s on %s, but the sandbox checks the resolved path %s, which the rule does not cover, so the socket stays denied",
					op, alias, resolved),
				evidence...)
			// The rule's usual workarounds assume it works, so they are
			// replaced by the fix.
			fd.Workaround = []string{fmt.Sprintf("Write the rule with the resolved path: (allow %s (literal %q)). "+
				"App Review is still likely to refuse it.", op, resolved)}
			return fd, true
		}
	}
	fd := ruleSBPLException.NewFinding(f.dist,
		fmt.Sprintf("the app's sbpl exceptions do not allow %s on %s, so they do not change the denial", op, resolved),
		evidence...)
	fd.Workaround = []string{"Use the workaround of the deciding finding."}
	return fd, true
}

// unresolvedForms returns the forms of a socket path that a hand-written
// sbpl rule may use but the sandbox never matches: the path as given when
// a symlink leads elsewhere, and the resolved path without /private.
func unresolvedForms(given, resolved string) []string {
	var forms []string
	if g := path.Clean(given); g != resolved {
		forms = append(forms, g)
	}
	if rest, ok := strings.CutPrefix(resolved, "/private"); ok && !slices.Contains(forms, rest) {
		forms = append(forms, rest)
	}
	return forms
}

// childFinding returns child-inherits-sandbox when the denied process is a
// spawned tool, or, without a process name, to warn that spawning one does
// not help.
func (f *facts) childFinding() (Finding, bool) {
	if f.process == "" {
		return ruleChildInheritsSandbox.NewFinding(f.dist,
			"a tool the app spawns (curl, ssh, nc, docker) inherits the app's sandbox and is denied "+f.sandboxOperation()+" on this socket the same way",
			"verdict: the app itself is denied"), true
	}
	for _, tool := range spawnedTools {
		if f.process == tool {
			return ruleChildInheritsSandbox.NewFinding(f.dist,
				fmt.Sprintf("the denied process %s is a tool the app spawned, so it inherits the app's sandbox", f.process),
				"process: "+f.process), true
		}
	}
	return Finding{}, false
}

// pathFindings checks the length of the path the app passes to connect or
// bind against sun_path. sun_path holds only that address, while the kernel
// resolves symlinks later, so the resolved path may be longer. The test
// connect's path-too-long result is not used, because for a modelled
// symlink it dials the target, not the given path.
func pathFindings(f *facts) []Finding {
	given, resolved := f.pathLengths()
	macGiven, macPath := f.givenBytesOnMac()
	if macGiven <= socket.MaxPathBytes {
		return nil
	}
	evidence := []string{
		fmt.Sprintf("given path: %d bytes", given),
		fmt.Sprintf("resolved path: %d bytes", resolved),
	}
	if macPath != "" {
		evidence = append(evidence, macPathEvidence(f, macPath))
	}
	evidence = append(evidence, fmt.Sprintf("budget: %d bytes", socket.MaxPathBytes))
	return []Finding{rulePathTooLong.NewFinding(f.dist,
		fmt.Sprintf("the socket path the app passes to %s is %d bytes, but sun_path holds at most %d bytes plus the terminating NUL, so it is %d bytes too long",
			f.operation, macGiven, socket.MaxPathBytes, macGiven-socket.MaxPathBytes),
		evidence...)}
}

// pathLengths returns the length in bytes of the path as given, after ~
// expansion and made absolute, and of the resolved path. The given path is
// measured as the caller wrote it, so a home folder under /tmp does not
// count the /private that MacOSPath adds.
func (f *facts) pathLengths() (given, resolved int) {
	given, resolved = f.givenBytes, f.pathBytes
	if resolved == 0 {
		resolved = len(f.resolvedPath())
	}
	return given, resolved
}

// givenBytesOnMac returns the length of the given path as the app would
// pass it on a Mac, and that path when it differs from the one on this
// host (see pathOnMac). Otherwise macPath is "" and the length is the given
// path's.
func (f *facts) givenBytesOnMac() (bytes int, macPath string) {
	given, _ := f.pathLengths()
	macPath, ok := f.pathOnMac(f.path)
	if !ok {
		return given, ""
	}
	return len(macPath), macPath
}

// pathOnMac maps a path inside a modelled home, such as /tmp/ci/home on
// Linux, to the Mac by replacing the home with /Users/<base name>. It
// reports false for a real home and for a path outside the home.
func (f *facts) pathOnMac(hostPath string) (string, bool) {
	if !f.modelledHome || f.home == "" {
		return "", false
	}
	absolute := socket.MacOSPath(hostPath)
	if absolute == f.home || !socket.Within(absolute, f.home) {
		return "", false
	}
	return "/Users/" + path.Base(f.home) + strings.TrimPrefix(absolute, f.home), true
}

// macPathEvidence states how a path in a modelled home was measured.
func macPathEvidence(f *facts, macPath string) string {
	return fmt.Sprintf("path on the Mac: %d bytes, measured as %s because the home folder %s stands in for /Users/%s",
		len(macPath), macPath, f.home, path.Base(f.home))
}

// stateFindings reports what stat and the test connect saw.
func stateFindings(f *facts) []Finding {
	if !f.inspected {
		return nil
	}
	evidence := f.stateEvidence()
	finding := func(r *Rule, format string, args ...any) []Finding {
		return []Finding{r.NewFinding(f.dist, fmt.Sprintf(format, args...), evidence...)}
	}

	if f.blockingDir != "" {
		return finding(ruleSocketPermission, "the current user cannot search the directory %s, so %s fails with EACCES before the socket is reached", f.blockingDir, f.operation)
	}
	if f.isBind() {
		// bind creates the socket, so the directory matters, and anything
		// already at the path makes it fail.
		return bindStateFindings(f, evidence)
	}

	switch {
	case f.fileType == "symlink" && f.resolveError != "":
		return finding(ruleNotASocket, "%s cannot be resolved to a socket: %s", f.path, f.resolveError)
	case f.fileType == "unknown":
		// stat failed for another reason than a missing file, usually a
		// folder without search permission, so only the connect can tell.
		if f.dial == socket.DialPermissionDenied {
			return finding(ruleSocketPermission, "the test connect failed with EACCES and stat could not read %s: a folder on the way or the socket refuses the current user", f.resolvedPath())
		}
		return nil
	case f.fileType == "missing" || f.dial == socket.DialNotFound:
		msg := fmt.Sprintf("nothing exists at %s (ENOENT): the server is not running or creates its socket elsewhere", f.resolvedPath())
		if f.notADirectory {
			msg = fmt.Sprintf("nothing can exist at %s (ENOTDIR) because a path component is not a directory: the path runs through a file where a folder should be", f.resolvedPath())
		}
		fd := ruleSocketMissing.NewFinding(f.dist, msg, append(evidence, f.usualPlaces()...)...)
		return []Finding{fd}
	case f.fileType != "socket" || f.dial == socket.DialNotASocket:
		return finding(ruleNotASocket, "%s is a %s, not a socket", f.resolvedPath(), f.typeName())
	}

	switch f.dial {
	case socket.DialPermissionDenied:
		return finding(ruleSocketPermission, "the test connect failed with EACCES: the socket's mode %s (owner %s) does not let the current user write it", f.mode, f.owner)
	case socket.DialRefused:
		return finding(ruleSocketStale, "the test connect was refused (ECONNREFUSED): the socket file exists but no server listens on it")
	case socket.DialWrongType:
		server := f.serverType
		if server == "" {
			server = "not stream, and neither datagram nor seqpacket answered"
		}
		return finding(ruleSocketWrongType, "a stream connect failed with EPROTOTYPE because the server's socket type is %s, so the client must open a socket of that type", server)
	case socket.DialBusy:
		return finding(ruleSocketBusy, "the test connect failed at once with EAGAIN: a server listens on the socket, but its backlog of connections waiting for accept is full")
	case socket.DialTimeout:
		return finding(ruleDialTimeout, "the test connect did not finish in time: %s", f.dialError)
	case socket.DialNotPermitted:
		return finding(ruleDialNotPermitted, "the test connect failed with EPERM although it runs outside the app: a sandbox or access control around sockdoctor denied it, which says nothing about the server")
	}
	if !f.writable && f.dial == socket.DialSkipped {
		return finding(ruleSocketPermission, "the socket's mode %s (owner %s) does not let the current user write it, so connect fails with EACCES", f.mode, f.owner)
	}
	return nil
}

// bindStateFindings reports what already exists at a path the app wants to
// bind.
func bindStateFindings(f *facts, evidence []string) []Finding {
	if !f.exists {
		return nil
	}
	var msg string
	switch {
	case f.fileType == "socket" && f.dial == socket.DialConnected:
		msg = fmt.Sprintf("a server already listens on %s, so bind fails with EADDRINUSE until it stops and its socket file is removed", f.resolvedPath())
	case f.fileType == "socket":
		msg = fmt.Sprintf("a socket file already exists at %s, so bind fails with EADDRINUSE unless the app removes it first", f.resolvedPath())
	default:
		msg = fmt.Sprintf("a %s already exists at %s, so bind fails with EADDRINUSE", f.typeName(), f.resolvedPath())
	}
	return []Finding{ruleBindAddressInUse.NewFinding(f.dist, msg, evidence...)}
}

// usualPlaces lists where well-known servers that use this socket path or
// file name put their sockets, as evidence lines for socket-missing.
func (f *facts) usualPlaces() []string {
	if f.home == "" {
		return nil
	}
	given := socket.MacOSPath(f.path)
	var exact, byName []string
	for _, p := range socket.Presets(f.home, nil) {
		line := fmt.Sprintf("%s usually listens on %s (sockdoctor check --preset %s)", p.Software, strings.Join(p.Candidates, " or "), p.Name)
		var sameName bool
		for _, c := range p.Candidates {
			if socket.MacOSPath(c) != given {
				sameName = sameName || path.Base(c) == path.Base(given)
				continue
			}
			if p.Note != "" {
				// The note already names every usual path, so the
				// candidate list would repeat it.
				line = fmt.Sprintf("%s (sockdoctor check --preset %s)", p.Note, p.Name)
			}
			exact = append(exact, line)
			sameName = false
			break
		}
		if sameName {
			byName = append(byName, line)
		}
	}
	if exact != nil {
		return exact
	}
	return byName
}

func (f *facts) typeName() string {
	switch f.fileType {
	case "file":
		return "regular file"
	case "":
		return "non-socket"
	}
	return f.fileType
}

// resolvedPath returns the resolved socket path as macOS names it.
func (f *facts) resolvedPath() string {
	if f.resolved == "" {
		return socket.MacOSPath(f.path)
	}
	return socket.MacOSPath(f.resolved)
}

// escapingHops returns the symlink hops of the path as evidence lines, or
// nil when the path passes through no symlink other than the /tmp, /var
// and /etc aliases of macOS.
func (f *facts) escapingHops() []string {
	var out []string
	for _, h := range f.hops {
		if socket.MacOSPath(h.from) == socket.MacOSPath(h.to) || "/private"+path.Clean(h.from) == path.Clean(h.to) {
			continue
		}
		out = append(out, fmt.Sprintf("symlink: %s -> %s", h.from, h.to))
	}
	return out
}

// givenReachable reports whether the path as given, before symlinks are
// followed, lies in a place the sandbox would let the app reach.
func (f *facts) givenReachable() bool {
	given := socket.MacOSPath(f.path)
	if socket.Within(given, socket.VarRun) {
		return !f.isBind()
	}
	if f.home == "" {
		return false
	}
	loc, _ := socket.Classify(given, socket.Options{Home: f.home, BundleID: f.bundleID, Groups: f.groups, TeamID: f.teamID})
	return loc == socket.LocationOwnContainer || loc == socket.LocationAppGroup
}

// outsideClause describes where the resolved path lies relative to the places
// the app may reach: "outside the app container (...) and outside ...".
func (f *facts) outsideClause() string {
	var groups string
	switch len(f.groups) {
	case 0:
		groups = "outside every claimed group container (the app claims none)"
	case 1:
		groups = "outside the claimed group container " + f.groups[0]
	case 2:
		groups = fmt.Sprintf("outside both claimed group containers (%s)", strings.Join(f.groups, ", "))
	default:
		groups = fmt.Sprintf("outside all %d claimed group containers (%s)", len(f.groups), strings.Join(f.groups, ", "))
	}

	own := "outside the app container (" + f.ownContainerLabel() + ")"
	if f.isBind() {
		return own + " and " + groups + ", the only places where bind is allowed"
	}
	return own + ", " + groups + " and not under " + socket.VarRun
}

func (f *facts) ownContainerLabel() string {
	id := f.bundleID
	if id == "" {
		id = "<bundle-id>"
	}
	if f.home == "" {
		return "~/Library/Containers/" + id
	}
	return containerDir(f.home, id)
}

// groupTeamClause states whether the app can claim the group, as one or
// two sentences.
func (f *facts) groupTeamClause() string {
	switch {
	case f.groupTeamID == "":
		return "The group ID has no Team ID prefix, so add it to com.apple.security.application-groups if your team owns it."
	case f.teamID == "":
		return fmt.Sprintf("The group belongs to team %s. An app of another team can never claim it, and the app's Team ID is unknown (pass --team-id).", f.groupTeamID)
	case f.groupTeamID != f.teamID:
		return fmt.Sprintf("The group belongs to team %s, not the app's team %s, so the app can never claim it.", f.groupTeamID, f.teamID)
	}
	return "The group belongs to the app's team, so adding it to com.apple.security.application-groups fixes this."
}

// groupWorkarounds returns the group-not-claimed workarounds that fit the
// comparison of the group's Team ID prefix with the app's Team ID, or nil
// when either is unknown and the rule's conditional advice applies.
func (f *facts) groupWorkarounds() map[Distribution][]string {
	switch {
	case f.groupTeamID == "" || f.teamID == "":
		return nil
	case f.groupTeamID != f.teamID:
		return groupOtherTeamWorkarounds
	}
	return groupOwnTeamWorkarounds
}

// coveringFileException returns the first files.* exception value that
// covers the given or resolved path.
func (f *facts) coveringFileException() (key, value string, ok bool) {
	targets := []string{f.resolvedPath(), socket.MacOSPath(f.path)}
	for _, exc := range f.fileExcepts {
		homeRelative := strings.Contains(exc.key, "home-relative-path")
		for _, v := range exc.paths {
			p := v
			if homeRelative {
				if f.home == "" {
					continue
				}
				p = path.Join(f.home, strings.TrimPrefix(v, "/"))
			}
			p = socket.MacOSPath(p)
			for _, t := range targets {
				if t == p || (strings.HasSuffix(v, "/") && socket.Within(t, p)) {
					return exc.key, v, true
				}
			}
		}
	}
	return "", "", false
}

func (f *facts) socketEvidence() []string {
	ev := []string{fmt.Sprintf("operation: %s (checked as %s)", f.operation, f.sandboxOperation())}
	ev = append(ev, "socket path: "+f.path)
	if r := f.resolvedPath(); r != f.path {
		ev = append(ev, "resolved path: "+r)
	}

	rawGiven, resolved := f.pathLengths()
	given, macPath := f.givenBytesOnMac()
	if macResolved, ok := f.pathOnMac(f.resolvedPath()); ok {
		resolved = len(macResolved)
	}
	if macPath != "" && rawGiven > socket.MaxPathBytes && given <= socket.MaxPathBytes {
		// Both lengths explain why a long host path raises no path-too-long.
		ev = append(ev, fmt.Sprintf("given path on this host: %d bytes", rawGiven), macPathEvidence(f, macPath))
	}
	if given <= socket.MaxPathBytes && resolved > socket.MaxPathBytes {
		ev = append(ev, fmt.Sprintf("resolved path: %d bytes, over the %d of sun_path, which is fine because connect and bind take the %d-byte given path",
			resolved, socket.MaxPathBytes, given))
	}

	if f.location != "" {
		// A comma, not brackets: the detail may hold brackets itself.
		loc := "location: " + string(f.location)
		if f.locationDetail != "" {
			loc += ", " + f.locationDetail
		}
		ev = append(ev, loc)
	}
	ev = append(ev, f.escapingHops()...)
	if f.modelled != "" {
		ev = append(ev, "modelled: "+f.modelled)
	}
	return ev
}

// newFindingWithApp returns a finding of r whose evidence is
// socketEvidence, the app's facts and the caller's assumptions, with the
// app's facts also in AppEvidence.
func (f *facts) newFindingWithApp(r *Rule, message string, socketEvidence []string) Finding {
	app := f.appFacts()
	evidence := append(slices.Clip(socketEvidence), app...)
	for _, a := range f.assumed {
		evidence = append(evidence, "assumed: "+a)
	}
	fd := r.NewFinding(f.dist, message, evidence...)
	fd.AppEvidence = app
	return fd
}

// appFacts lists the facts the tool has about the app, one evidence line each.
func (f *facts) appFacts() []string {
	var ev []string
	if !f.appKnown {
		ev = append(ev, "app: unknown; assumed sandboxed, with no app group, no network or print entitlement and no exception")
	} else {
		if f.bundleID != "" {
			ev = append(ev, "bundle ID: "+f.bundleID)
		}
		if f.teamID != "" {
			ev = append(ev, "team ID: "+f.teamID)
		}
		ev = append(ev, fmt.Sprintf("com.apple.security.app-sandbox: %t", f.sandboxed))
		if f.sandboxed {
			groups := "none"
			if len(f.groups) > 0 {
				groups = strings.Join(f.groups, ", ")
			}
			ev = append(ev, "claimed app groups: "+groups)
		}
	}
	return ev
}

func (f *facts) stateEvidence() []string {
	ev := []string{"type: " + f.fileType}
	if f.mode != "" {
		ev = append(ev, "mode: "+f.mode)
	}
	if f.owner != "" {
		ev = append(ev, "owner: "+f.owner)
	}
	if f.blockingDir != "" {
		ev = append(ev, "directory without search permission: "+f.blockingDir)
	}
	dial := "test connect (outside the app's sandbox): " + string(f.dial)
	if f.dialErrno != "" {
		dial += " (" + f.dialErrno + ")"
	}
	ev = append(ev, dial)
	return ev
}
