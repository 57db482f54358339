package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sockdoctor/sockdoctor/bundle"
	"github.com/sockdoctor/sockdoctor/entitlements"
)

// Rules about the executables of one bundle taken together: the sandbox
// requirement of the Mac App Store, unsandboxed helpers outside it,
// com.apple.security.inherit, and the teams and groups they share.

var masRequiresSandbox = register(&Rule{
	ID:       "mas-requires-sandbox",
	Severity: SeverityError,
	Title:    "Unsandboxed executable in a Mac App Store build",
	Summary:  "A Mac App Store build contains an executable without com.apple.security.app-sandbox (ITMS-90296).",
	Doc: `## mas-requires-sandbox

**Meaning.** The build is meant for the Mac App Store and one of its
executables (the main app, an XPC service, an extension, a login item, a
helper tool or an executable inside a framework) does not have
` + "`com.apple.security.app-sandbox`" + ` set to true.

**Why macOS behaves so.** The Mac App Store accepts only sandboxed code, and it
checks every executable in the bundle. The upload fails with ITMS-90296 "App
sandbox not enabled", which names the offending nested executable. So moving
socket I/O into an unsandboxed XPC service or helper, the usual way out of the
sandbox for Developer ID apps, is not available in the store.

**Evidence.** The distribution channel (from the signing certificate, or
` + "`--distribution`" + `) and the entitlements of every executable found by the
bundle walk.

**Workaround.**
- Mac App Store: sandbox every executable. A helper tool started by the app
  gets ` + "`app-sandbox`" + ` plus ` + "`inherit`" + `; XPC services, extensions and login items
  get their own sandbox entitlements. Sockets shared between them go into a
  Team-ID-prefixed app group container that all of them claim.
- Developer ID: not an error there; an unsandboxed XPC service is the
  supported shape for reaching sockets outside the sandbox.

**Sources.** App Store Connect upload error ITMS-90296; Apple documentation
"App Sandbox" and "Embedding a command-line tool in a sandboxed app".`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Sandbox every executable: helper tools get app-sandbox plus inherit, XPC services and extensions their own sandbox entitlements."},
		DistributionDeveloperID: {"Outside the Mac App Store an unsandboxed XPC service or helper is allowed."},
	},
	References: []string{"https://developer.apple.com/documentation/xcode/embedding-a-helper-tool-in-a-sandboxed-app"},
})

var nestedNotSandboxed = register(&Rule{
	ID:       "nested-not-sandboxed",
	Severity: SeverityInfo,
	Title:    "Unsandboxed nested code",
	Summary:  "A sandboxed app ships an unsandboxed XPC service or helper: the supported way to reach sockets outside the sandbox, Developer ID only.",
	Doc: `## nested-not-sandboxed

**Meaning.** The main app is sandboxed, and a nested XPC service, helper tool,
login item or other executable is not.

**Why macOS behaves so.** A sandboxed process cannot connect to a Unix socket
outside its containers, and a process it spawns inherits its sandbox. An XPC
service or a launchd-started helper with its own, unsandboxed signature runs
outside the sandbox, so it can reach ` + "`~/.docker/run/docker.sock`" + ` or an SSH
agent socket and relay the data to the app over XPC. Apple DTS names this as
the supported design for Developer ID apps. The Mac App Store rejects it
(ITMS-90296), so the same build cannot go to the store.

**Evidence.** The sandbox entitlement of the main app and of every nested
executable found by the bundle walk, and the distribution channel.

**Workaround.**
- Developer ID: keep the helper, keep its interface narrow (validate every
  XPC request), and sign it with the same team.
- Mac App Store: not allowed; see mas-requires-sandbox.

**Sources.** Apple Developer Forums thread 788364; App Store Connect upload
error ITMS-90296; Apple documentation "Creating XPC services".`,
	Workarounds: map[Distribution][]string{
		DistributionDeveloperID: {"Keep the unsandboxed helper, validate every XPC request it accepts, and sign it with the app's team."},
		DistributionMAS:         {"Sandbox the helper: the Mac App Store rejects unsandboxed executables (ITMS-90296)."},
	},
	References: []string{"https://developer.apple.com/forums/thread/788364"},
})

var inheritMisuse = register(&Rule{
	ID:       "inherit-misuse",
	Severity: SeverityWarning,
	Title:    "Misused com.apple.security.inherit",
	Summary:  "com.apple.security.inherit on code that is not a helper tool launched by a sandboxed parent, or combined with other entitlements.",
	Doc: `## inherit-misuse

**Meaning.** ` + "`com.apple.security.inherit`" + ` is set where it cannot work: on an app,
XPC service, extension or login item bundle; on a tool that launchd starts;
without ` + "`com.apple.security.app-sandbox`" + `; with other sandbox entitlements
next to it; or on a tool whose parent app is not sandboxed.

**Why macOS behaves so.** ` + "`inherit`" + ` tells the sandbox to copy the sandbox of
the process that spawned this one. A helper tool carries exactly
` + "`app-sandbox`" + ` and ` + "`inherit`" + ` (Apple forum thread 56468); any other sandbox
entitlement is ignored, because the parent's profile applies. Code launched by
launchd or the system (apps, XPC services, extensions, login items,
` + "`Contents/Library/LaunchServices`" + ` tools) has no sandboxed parent, and an app
given ` + "`inherit`" + ` is killed with ` + "`deny(1) forbidden-sandbox-reinit`" + ` (forum thread
712954). A tool spawned by an unsandboxed app has no sandbox to inherit.

**Evidence.** The entitlements of each executable, its place in the bundle, and
the sandbox entitlement of the code that contains it. Only App Sandbox
entitlements (network, files, devices, personal information, assets,
automation, print, app groups, temporary exceptions) count as "other":
hardened runtime (` + "`com.apple.security.cs.*`" + `), hypervisor and identifier
entitlements are enforced outside the sandbox and may sit next to ` + "`inherit`" + `.

**Workaround.** The same for every channel: give helper tools exactly
` + "`app-sandbox`" + ` and ` + "`inherit`" + ` and put the other entitlements on the app that
spawns them; give apps, XPC services and extensions their own sandbox
entitlements without ` + "`inherit`" + `.

**Sources.** Apple documentation "Embedding a command-line tool in a sandboxed
app"; Apple Developer Forums threads 56468 and 712954.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Give helper tools exactly app-sandbox and inherit, and put every other entitlement on the app that spawns them."},
	},
	References: []string{"https://developer.apple.com/documentation/xcode/embedding-a-helper-tool-in-a-sandboxed-app"},
})

// groupNotShared is a bundle-wide rule: it compares the app groups of each
// piece of nested code with those of the main app, so it applies only to a
// built bundle, never to a single entitlements file.
var groupNotShared = register(&Rule{
	ID:       "group-not-shared",
	Severity: SeverityWarning,
	Title:    "Nested code shares no app group with the app",
	Summary:  "A nested extension, XPC service or helper claims app groups, none of which the main app claims.",
	Doc: `## group-not-shared

**Meaning.** A nested executable claims one or more app groups, but none of
them is claimed by the main app, so the two have no container in common.

**Why macOS behaves so.** Two sandboxed processes can reach the same Unix
socket only where both are allowed: inside a group container that both claim.
An extension whose groups differ from the app's (often a ` + "`group.`" + ` ID on one
side and a Team-ID-prefixed ID on the other) cannot connect to a socket the
app creates in its group container.

**Evidence.** The ` + "`com.apple.security.application-groups`" + ` arrays of the main
app and of each nested executable.

**Workaround.** The same for every channel: claim the same group, spelled the
same way, in the app and every extension or service that talks to it.

**Sources.** Apple documentation "Configuring app groups" and "App Groups
Entitlement".`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Claim the same group ID, spelled the same way, in the app and in each component that uses its socket."},
	},
	References: []string{"https://developer.apple.com/documentation/xcode/configuring-app-groups"},
})

func init() {
	singleTargetChecks = append(singleTargetChecks, checkMASSandbox, checkInherit)
}

func checkMASSandbox(t StaticTarget, opts StaticOptions) []StaticFinding {
	if opts.distribution() != DistributionMAS || isSandboxed(t.Entitlements) {
		return nil
	}
	msg := fmt.Sprintf("%s is not sandboxed: App Store Connect rejects the upload with ITMS-90296 and names this executable", describe(t))
	if t.Kind == entitlements.KindEntitlementsFile {
		msg = fmt.Sprintf("%s does not turn on the sandbox: App Store Connect rejects an upload whose executable is signed with it (ITMS-90296)", describe(t))
	}
	return []StaticFinding{newStatic(masRequiresSandbox, t, opts, entitlements.KeyAppSandbox, "", msg,
		"distribution: mas", "com.apple.security.app-sandbox: "+sandboxValue(t.Entitlements))}
}

func sandboxValue(d entitlements.Dict) string {
	v, ok := d[entitlements.KeyAppSandbox]
	if !ok {
		return "absent"
	}
	return describeValue(v)
}

// sandboxEntitlementPrefixes match the App Sandbox entitlements, which the
// sandbox profile reads. Next to inherit they are ignored because the
// parent's sandbox applies. Other entitlements (code signing, hardened
// runtime, hypervisor, restricted ones) are checked elsewhere and stay
// meaningful on a helper tool.
var sandboxEntitlementPrefixes = []string{
	"com.apple.security.network.",
	"com.apple.security.files.",
	"com.apple.security.device.",
	"com.apple.security.personal-information.",
	"com.apple.security.assets.",
	"com.apple.security.automation.",
	"com.apple.security.scripting-targets",
	"com.apple.security.print",
	"com.apple.security.application-groups",
	entitlements.TemporaryExceptionPrefix,
}

func checkInherit(t StaticTarget, opts StaticOptions) []StaticFinding {
	if !t.Entitlements.Bool(entitlements.KeyInherit) {
		return nil
	}
	key := entitlements.KeyInherit
	var out []StaticFinding

	if !isSandboxed(t.Entitlements) {
		out = append(out, newStatic(inheritMisuse, t, opts, key, "",
			fmt.Sprintf("%s sets inherit without com.apple.security.app-sandbox; a helper tool needs both", describe(t))))
	}
	if t.Kind == "app" {
		out = append(out, newStatic(inheritMisuse, t, opts, key, "",
			fmt.Sprintf("%s is a bundle that the system launches, so it has no sandboxed parent to inherit from; macOS kills it with forbidden-sandbox-reinit", describe(t))))
	}

	// One finding per extra entitlement, on that entitlement's key, so a
	// finding points at the line to remove.
	for _, k := range t.Entitlements.Keys() {
		if !slices.ContainsFunc(sandboxEntitlementPrefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			continue
		}
		out = append(out, newStatic(inheritMisuse, t, opts, k, "",
			fmt.Sprintf("%s combines inherit with %s, which the sandbox ignores because the parent's sandbox applies; remove %s and keep only app-sandbox and inherit", describe(t), k, k),
			k))
	}
	return out
}

// BundleCode is one executable of a bundle with the facts the bundle-wide
// rules need.
type BundleCode struct {
	Target StaticTarget
	Role   bundle.Role
	// Parent is the index in the slice of the code that contains this one,
	// or -1 for the main app.
	Parent int
}

// BundleResults runs the single-target rules on every executable of a
// bundle and the rules that compare them. codes[0] must be the main app.
func BundleResults(codes []BundleCode, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	for _, c := range codes {
		for _, check := range singleTargetChecks {
			out = append(out, check(c.Target, opts)...)
		}
	}
	if len(codes) > 0 {
		out = append(out, checkNestedSandbox(codes, opts)...)
		out = append(out, checkNestedInherit(codes, opts)...)
		out = append(out, checkNestedTeams(codes, opts)...)
		out = append(out, checkSharedGroups(codes, opts)...)
	}
	return finishStatic(out, opts)
}

func checkNestedSandbox(codes []BundleCode, opts StaticOptions) []StaticFinding {
	main := codes[0]
	if opts.distribution() == DistributionMAS || !isSandboxed(main.Target.Entitlements) {
		return nil
	}
	var out []StaticFinding
	for _, c := range codes[1:] {
		if isSandboxed(c.Target.Entitlements) {
			continue
		}
		msg := fmt.Sprintf("%s %s is not sandboxed while the app is: outside the Mac App Store this is the supported way to reach sockets the sandbox denies", c.Role, describe(c.Target))
		if opts.distribution() != DistributionDeveloperID {
			msg += "; a Mac App Store upload of this build fails with ITMS-90296"
		}
		out = append(out, newStatic(nestedNotSandboxed, c.Target, opts, entitlements.KeyAppSandbox, "", msg,
			"role: "+string(c.Role), "com.apple.security.app-sandbox: "+sandboxValue(c.Target.Entitlements),
			"main app: sandboxed"))
	}
	return out
}

func checkNestedInherit(codes []BundleCode, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	for _, c := range codes[1:] {
		if !c.Target.Entitlements.Bool(entitlements.KeyInherit) {
			continue
		}
		if c.Role == bundle.RoleLaunchService {
			out = append(out, newStatic(inheritMisuse, c.Target, opts, entitlements.KeyInherit, "",
				fmt.Sprintf("%s is a launchd-started tool in Contents/Library/LaunchServices, so it has no sandboxed parent to inherit from", describe(c.Target))))
			continue
		}
		if c.Parent < 0 || c.Parent >= len(codes) {
			continue
		}
		parent := codes[c.Parent].Target
		if !isSandboxed(parent.Entitlements) {
			out = append(out, newStatic(inheritMisuse, c.Target, opts, entitlements.KeyInherit, "",
				fmt.Sprintf("%s sets inherit, but %s, which launches it, is not sandboxed, so there is no sandbox to inherit", describe(c.Target), describe(parent))))
		}
	}
	return out
}

func checkNestedTeams(codes []BundleCode, opts StaticOptions) []StaticFinding {
	mainTeam := codes[0].Target.TeamID
	if mainTeam == "" {
		return nil
	}
	var out []StaticFinding
	for _, c := range codes[1:] {
		if c.Target.TeamID == "" || c.Target.TeamID == mainTeam {
			continue
		}
		msg := fmt.Sprintf("%s %s is signed by team %s, the app by team %s: code of different teams cannot share group containers or the sockets in them",
			c.Role, describe(c.Target), c.Target.TeamID, mainTeam)
		out = append(out, newStatic(groupTeamMismatch, c.Target, opts, "", "", msg,
			"nested team: "+c.Target.TeamID, "app team: "+mainTeam))
	}
	return out
}

func checkSharedGroups(codes []BundleCode, opts StaticOptions) []StaticFinding {
	mainGroups := claimedGroups(codes[0].Target.Entitlements)
	var out []StaticFinding
	for _, c := range codes[1:] {
		groups := claimedGroups(c.Target.Entitlements)
		if len(groups) == 0 || slices.ContainsFunc(groups, func(g string) bool { return slices.Contains(mainGroups, g) }) {
			continue
		}
		appList := "none"
		if len(mainGroups) > 0 {
			appList = quoteList(mainGroups)
		}
		msg := fmt.Sprintf("%s %s claims %s, the app claims %s: they share no group container for a socket",
			c.Role, describe(c.Target), quoteList(groups), appList)
		out = append(out, newStatic(groupNotShared, c.Target, opts, entitlements.KeyApplicationGroups, "", msg,
			"nested groups: "+strings.Join(groups, ", "), "app groups: "+appList))
	}
	return out
}
