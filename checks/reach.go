package checks

// The sandbox reach rules: whether the App Sandbox lets the app connect to
// or bind a Unix domain socket at its resolved path. The facts behind them
// come from the App Sandbox profile application.sb (public copies for macOS
// 14.4.1 and 26.6) and Apple DTS replies on the Apple Developer Forums.

const (
	forumSocketsFromSandbox = "https://developer.apple.com/forums/thread/788364"
	forumFileExceptions     = "https://developer.apple.com/forums/thread/133543"
	forumOpenPanel          = "https://developer.apple.com/forums/thread/124895"
	forumPathLength         = "https://developer.apple.com/forums/thread/817602"
	forumInherit            = "https://developer.apple.com/forums/thread/56468"
	docAppGroups            = "https://developer.apple.com/documentation/bundleresources/entitlements/com.apple.security.application-groups"
	docTemporaryExceptions  = "https://developer.apple.com/library/archive/documentation/Miscellaneous/Reference/EntitlementKeyReference/Chapters/AppSandboxTemporaryExceptionEntitlements.html"
	docViolations           = "https://developer.apple.com/documentation/security/discovering-and-diagnosing-app-sandbox-violations"
	issueDockerSymlink      = "https://github.com/docker/for-mac/issues/7109"
	issueSequelAceSymlink   = "https://github.com/Sequel-Ace/Sequel-Ace/issues/113"
)

// Workarounds shared by the rules that deny a socket outside the reachable
// places.
var (
	ownBothEnds = "If you build both ends, create the socket in an app group container that both claim, " +
		"with a group ID that starts with your Team ID (~/Library/Group Containers/<TEAMID>.<name>/), " +
		"and keep the path under 104 bytes."
	// bindInContainer is advice for bind only, and diagnose puts it first.
	bindInContainer = "Create the socket inside the app's own container (for example its $TMPDIR or " +
		"Application Support folder) or a claimed group container, and keep its path under 104 bytes. " +
		"For ssh, set ControlPath to a folder inside the container. For Electron, check that the " +
		"SingletonSocket path fits."
	// masNoWay is advice for connect only: bind creates the socket, so no
	// other team's server is involved.
	masNoWay = "There is no supported way to reach a socket that another team's server creates " +
		"(Docker, ssh-agent, a database). Options: ask the server to create its socket inside " +
		"your container, talk to the server's loopback TCP endpoint with com.apple.security.network.client " +
		"(Docker Desktop can expose tcp://localhost:2375), or file an enhancement request with Apple."
	claimOwnGroup = "Add the group to com.apple.security.application-groups (and to the provisioning " +
		"profile for a group.* ID) and re-sign the app."
	devIDHelper = "Move the socket I/O into an XPC service or helper tool embedded in the app that is not " +
		"sandboxed, and talk to it over XPC. The Mac App Store rejects unsandboxed nested code " +
		"(ITMS-90296), but a Developer ID build may ship it."
	devIDNoSandbox = "Or ship the build without com.apple.security.app-sandbox."
	// ownContainers is advice for a container engine's socket, such as
	// Docker Desktop's or Colima's: the app may run its own Linux
	// containers instead of reaching the engine of another team.
	ownContainers = "Run containers of your own, isolated to your app, with the Virtualization framework " +
		"(supported in sandboxed apps), instead of reaching another team's container engine."
	devChannel = "Pick the workaround of the channel you will ship through, and pass --distribution " +
		"mas or developer-id to see it. Removing com.apple.security.app-sandbox only hides the denial " +
		"in development."
)

// ownContainersWorkarounds are added to the deciding finding when the
// socket belongs to a container engine.
var ownContainersWorkarounds = map[Distribution][]string{
	DistributionMAS:         {ownContainers},
	DistributionDeveloperID: {ownContainers},
}

var ruleOutsideSandboxReach = register(&Rule{
	ID:       "outside-sandbox-reach",
	Severity: SeverityError,
	Title:    "Socket outside every place the sandbox lets the app reach",
	Summary:  "The resolved socket path is outside the app's container, every claimed group container and /private/var/run.",
	Doc: `A sandboxed app may connect to a Unix domain socket only when the socket's
resolved path lies in one of three places:

1. its own container, ~/Library/Containers/<bundle-id>/;
2. the container of an app group it claims, ~/Library/Group Containers/<group-id>/;
3. /private/var/run, except the system sockets that need an entitlement
   (see system-socket-entitlement).

Anywhere else, connect(2) fails with EPERM ("Operation not permitted") and the
kernel logs "Sandbox: <process>(<pid>) deny(1) network-outbound <path>". bind(2)
is checked as network-bind and is allowed only in the first two places.

Why: the sandbox (Seatbelt) treats connect and bind on an AF_UNIX socket as
network operations, not file operations. The App Sandbox profile application.sb
(macOS 14.4 and 26.6) allows network-outbound and network-bind only in the app
container and the claimed group containers, and network-outbound under
/private/var/run. Apple's stated policy is that Unix sockets are for IPC
between components of one product (one team) through an app group container.

The path checked is the resolved one: /tmp/mysql.sock is seen as
/private/tmp/mysql.sock and a symlink is followed first.

Evidence: the resolved path, its location relative to the home folder given by
--home, the app's bundle ID and claimed groups, and the operation.

com.apple.security.network.client does not help (it covers IP), file
exceptions do not help (they grant file operations) and Full Disk Access does
not help.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {masNoWay},
		DistributionDeveloperID: {devIDHelper, devIDNoSandbox},
		DistributionDevelopment: {devChannel},
		DistributionUnknown:     {ownBothEnds, bindInContainer},
	},
	References: []string{forumSocketsFromSandbox, forumFileExceptions, issueSequelAceSymlink},
})

var ruleOtherAppContainer = register(&Rule{
	ID:       "other-app-container",
	Severity: SeverityError,
	Title:    "Socket inside another app's container",
	Summary:  "The socket lies in the data container of another app, which the sandbox never lets this app reach.",
	Doc: `The socket lies under ~/Library/Containers/<other-bundle-id>/, the data
container of another app (Secretive's agent socket is an example). A sandboxed
app reaches only its own container, so connect(2) fails with EPERM and the
kernel logs a network-outbound denial.

Why: each container is private to the app whose bundle ID names it. The
profile application.sb grants network-outbound and network-bind in the app's
own container only. Apple's policy is that code from different teams must not
talk through Unix sockets without mediation.

Evidence: the resolved path, the container's bundle ID and the app's bundle ID.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {masNoWay},
		DistributionDeveloperID: {devIDHelper, devIDNoSandbox},
		DistributionDevelopment: {devChannel},
		DistributionUnknown: {"If the other app is yours, move the socket into an app group container that " +
			"both apps claim, with a group ID that starts with your Team ID."},
	},
	References: []string{forumSocketsFromSandbox},
})

var ruleGroupNotClaimed = register(&Rule{
	ID:       "group-not-claimed",
	Severity: SeverityError,
	Title:    "Socket in a group container the app does not claim",
	Summary:  "The socket lies in an app group container that is missing from the app's com.apple.security.application-groups.",
	Doc: `The socket lies under ~/Library/Group Containers/<group-id>/ but the app's
com.apple.security.application-groups entitlement does not list that group, so
connect(2) fails with EPERM.

Why: application.sb adds network-outbound and network-bind for the container of
each group the app claims, and for no other. A group can only be claimed by
apps of the team that owns it: a group ID of the form <TEAMID>.<name> belongs
to that team, so a group of another team (1Password's 2BUA8C4S2C.com.1password)
can never be claimed by your app.

Evidence: the resolved path, the group ID, the Team ID prefix of the group
compared with the app's Team ID, and the app's claimed groups.`,
	// These workarounds apply when the group's team is unknown. Diagnose
	// picks groupOtherTeamWorkarounds or groupOwnTeamWorkarounds when it
	// can compare the group's Team ID prefix with the app's Team ID.
	Workarounds: map[Distribution][]string{
		DistributionMAS: {"If the group belongs to another team, there is no supported way to reach its socket. " +
			"Options: ask the server to create its socket inside your container, talk to " +
			"its loopback TCP endpoint with com.apple.security.network.client, or file an enhancement request with Apple."},
		DistributionDeveloperID: {"If the group belongs to another team, move the socket I/O into an XPC service " +
			"or helper tool embedded in the app that is not sandboxed, and talk to it over XPC."},
		DistributionDevelopment: {devChannel},
		DistributionUnknown: {"If the group is your team's, add it to com.apple.security.application-groups " +
			"(and to the provisioning profile for a group.* ID) and re-sign the app."},
	},
	References: []string{docAppGroups, forumSocketsFromSandbox},
})

// groupOtherTeamWorkarounds are the group-not-claimed workarounds for a
// group whose Team ID prefix differs from the app's Team ID: the app can
// never claim it.
var groupOtherTeamWorkarounds = map[Distribution][]string{
	DistributionMAS:         {masNoWay},
	DistributionDeveloperID: {devIDHelper, devIDNoSandbox},
	DistributionDevelopment: {devChannel},
}

// groupOwnTeamWorkarounds are the group-not-claimed workarounds for a
// group of the app's own team.
var groupOwnTeamWorkarounds = map[Distribution][]string{
	DistributionUnknown: {claimOwnGroup},
}

var ruleSymlinkEscapes = register(&Rule{
	ID:       "symlink-escapes",
	Severity: SeverityError,
	Title:    "Symlink leads the socket path outside the sandbox's reach",
	Summary:  "The given path is, or passes through, a symlink whose target lies outside the places the app may reach.",
	Doc: `The path the app uses looks reachable, but it is a symlink, or passes through
one, to a place the sandbox does not allow. Docker Desktop's
/var/run/docker.sock is a symlink to ~/.docker/run/docker.sock, and a symlink
placed inside the app's own container that points to /private/tmp/mysql.sock
fails the same way.

Why: the sandbox checks the resolved path of the socket (application.sb
matches with resolving filters), so the symlink's location does not matter,
only where it ends.

Evidence: every symlink hop from the given path to the resolved path, and the
location of the resolved path.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {masNoWay},
		DistributionDeveloperID: {devIDHelper, devIDNoSandbox},
		DistributionDevelopment: {devChannel},
		DistributionUnknown: {"A symlink cannot grant access: the server must create the socket itself " +
			"inside a place the app may reach."},
	},
	References: []string{issueDockerSymlink, issueSequelAceSymlink},
})

var ruleSystemSocketEntitlement = register(&Rule{
	ID:       "system-socket-entitlement",
	Severity: SeverityError,
	Title:    "System socket needs an entitlement",
	Summary:  "mDNSResponder without a network entitlement, cupsd without com.apple.security.print, or usbmuxd, which the profile always denies.",
	Doc: `Three sockets under /private/var/run are carved out of the rule that lets
every sandboxed app connect there (application.sb, macOS 14.4 and 26.6):

- /private/var/run/mDNSResponder (DNS) needs com.apple.security.network.client
  or com.apple.security.network.server; without either, name resolution fails
  with "dnssd_clientstub ConnectToServer: connect() failed ... Errno:1".
- /private/var/run/cupsd needs com.apple.security.print.
- /private/var/run/usbmuxd (USB to iOS devices) is denied whatever the
  entitlements; only a com.apple.security.temporary-exception.sbpl rule lifts it.

Evidence: the resolved path and the app's network and print entitlements.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS: {"For mDNSResponder add com.apple.security.network.client; for cupsd add " +
			"com.apple.security.print. usbmuxd needs an sbpl exception, which App Review refuses."},
		DistributionDeveloperID: {"For mDNSResponder add com.apple.security.network.client; for cupsd add " +
			"com.apple.security.print. For usbmuxd add a com.apple.security.temporary-exception.sbpl " +
			"entry (allow network-outbound (literal \"/private/var/run/usbmuxd\")), which works outside the store."},
		DistributionDevelopment: {devChannel},
	},
	References: []string{docViolations, "https://github.com/rsms/peertalk/issues/36"},
})

var ruleFileExceptionNoSocket = register(&Rule{
	ID:       "file-exception-no-socket",
	Severity: SeverityError,
	Title:    "File exception does not grant socket access",
	Summary:  "A files.* temporary exception covers the socket path, but file exceptions grant file operations, not connect or bind.",
	Doc: `The app has a com.apple.security.temporary-exception.files.* entitlement whose
path covers the socket, yet connect(2) is still denied.

Why: the sandbox checks connect and bind on Unix sockets as network-outbound
and network-bind, and a file exception only extends file-read* and file-write*.
Apple DTS said so in 2020 (forum thread 133543) and in the first 2025 answer of
thread 788364, and experiments saw EPERM with the exception in place while files
in the same folder became writable. Apple's statements are not consistent: a
later reply in thread 788364 describes static sandbox extensions as applying to
sockets too, and the old App Sandbox Design Guide said sockets behave like
files. This tool treats file exceptions as not granting socket access.

Evidence: the exception key and the path value that covers the socket.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Remove the file exception, because App Review questions every temporary exception.", masNoWay},
		DistributionDeveloperID: {devIDHelper},
		DistributionDevelopment: {devChannel},
	},
	References: []string{forumFileExceptions, forumSocketsFromSandbox, docTemporaryExceptions},
})

var ruleBookmarkNoSocket = register(&Rule{
	ID:       "bookmark-no-socket",
	Severity: SeverityInfo,
	Title:    "Open panel and bookmarks cannot grant sockets",
	Summary:  "The app has user-selected file or bookmark entitlements, which cannot grant access to a socket.",
	Doc: `The app can open files the user picks (com.apple.security.files.user-selected.*)
or keep security-scoped bookmarks (com.apple.security.files.bookmarks.*). Neither
grants a socket: the Open panel hides sockets, and the grant it or a bookmark
produces is a file extension, which does not cover network-outbound (Apple DTS,
forum thread 124895 and the closing reply of thread 788364). Asking the user to
pick the socket cannot work today.

Evidence: the user-selected and bookmark entitlement keys.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Do not ask the user to select the socket; use the workaround of the deciding finding."},
	},
	References: []string{forumOpenPanel, forumSocketsFromSandbox},
})

var ruleNetworkClientNotUnix = register(&Rule{
	ID:       "network-client-not-unix",
	Severity: SeverityInfo,
	Title:    "Network entitlements cover IP, not Unix socket paths",
	Summary:  "com.apple.security.network.client or .network.server is present, but it does not allow Unix socket paths.",
	Doc: `com.apple.security.network.client allows outgoing connections to IP
destinations (and the mDNSResponder socket), and com.apple.security.network.server
allows listening on IP ports. Neither says anything about Unix socket paths, so
"Outgoing Connections (Client)" in Xcode does not let an app reach docker.sock.

Evidence: the network entitlement keys the app has.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"If the server also listens on loopback TCP, connect there: network.client covers it."},
	},
	References: []string{forumSocketsFromSandbox},
})

var ruleSBPLException = register(&Rule{
	ID:       "sbpl-exception",
	Severity: SeverityWarning,
	Title:    "Undocumented sbpl exception",
	Summary:  "A com.apple.security.temporary-exception.sbpl rule adds sandbox profile text: it can allow a socket, but App Review is likely to refuse it.",
	Doc: `The app carries com.apple.security.temporary-exception.sbpl, whose strings the
sandbox evaluates as extra profile text after application.sb. When one of its
rules allows this operation on this path, for example
(allow network-outbound (literal "/private/var/run/usbmuxd")), the connection
works technically (Apple's AMPDeviceDiscoveryAgent, LocationSimulator and
PeerTalk use it), and this finding decides the verdict. A matching deny rule
works the other way: it denies a socket the built-in profile allows, and this
finding then decides a denial and is raised as an error. Across all rules and
all strings, the last one that matches wins.

When no rule covers the resolved path, the socket stays denied and this
finding says so. A common cause is a rule written with the unresolved path:
the sandbox matches /private/tmp/mysql.sock, so (literal "/tmp/mysql.sock")
never matches. Write the /private form.

The key is undocumented. App Review asks for a justification of every temporary
exception and generally refuses them (guideline 2.4.5(i) asks for the minimum
set of entitlements); approval of sbpl is case by case and never certain.

Evidence: the sbpl string whose rule matches the resolved path. The tool reads
allow and deny rules for network-outbound, network-bind, network* and default
with the filters literal, path-literal, subpath, prefix, regex, path-regex,
remote, local, require-any, require-all and require-not. A rule with any other
filter, even one inside require-not, counts as not matching.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Expect App Review to question or refuse the exception; prepare a justification or use " + "an app group container socket instead."},
		DistributionDeveloperID: {"The exception works outside the Mac App Store; keep its rule as narrow as the one socket path."},
		DistributionDevelopment: {devChannel},
	},
	References: []string{docTemporaryExceptions, "https://github.com/Schlaubischlump/LocationSimulator/issues/171"},
})

var ruleChildInheritsSandbox = register(&Rule{
	ID:       "child-inherits-sandbox",
	Severity: SeverityInfo,
	Title:    "Spawned tools inherit the app's sandbox",
	Summary:  "A tool the app starts (curl, ssh, nc, git, docker) runs inside the app's sandbox and is denied the same way.",
	Doc: `A process a sandboxed app starts with Process (NSTask) or posix_spawn inherits
the app's sandbox. Running curl --unix-socket, ssh with an agent socket, nc -U
or the docker CLI from the app fails with the same network-outbound denial as a
connect from the app itself, and the log names the tool ("Sandbox: curl(22299)
deny(1) network-outbound ..."). Moving the connection into a spawned tool is
not a workaround.

Evidence: the denied process name from the log line, or, for check, the
verdict that the app itself is denied.`,
	Workarounds: map[Distribution][]string{
		DistributionDeveloperID: {"Start the tool from a non-sandboxed XPC service or helper instead of the app."},
		DistributionUnknown:     {"Use the workaround of the deciding finding; it applies to spawned tools as well."},
	},
	References: []string{forumSocketsFromSandbox, forumInherit},
})

var ruleAllowedOwnContainer = register(&Rule{
	ID:       "allowed-own-container",
	Severity: SeverityInfo,
	Title:    "Socket inside the app's own container",
	Summary:  "The sandbox allows the socket because it lies in the app's own data container.",
	Doc: `The resolved path lies under ~/Library/Containers/<bundle-id>/, the app's own
container, where application.sb allows both network-outbound and network-bind.

If the app still cannot connect, the cause is the socket's state (see the other
findings) or the path length: a sandboxed app's $TMPDIR is inside its container
and long, so sockets there easily exceed the 103 usable bytes of sun_path.

Evidence: the resolved path and the app's bundle ID.`,
	Workarounds: map[Distribution][]string{},
	References:  []string{forumSocketsFromSandbox},
})

var ruleAllowedAppGroup = register(&Rule{
	ID:       "allowed-app-group",
	Severity: SeverityInfo,
	Title:    "Socket inside a claimed app group container",
	Summary:  "The sandbox allows the socket because it lies in the container of an app group the app claims.",
	Doc: `The resolved path lies under ~/Library/Group Containers/<group-id>/ and the app
lists <group-id> in com.apple.security.application-groups. application.sb
allows network-outbound and network-bind there. This is Apple's supported way
for components of one product to talk over a Unix socket.

On macOS 15 and later the group container is protected: the app gets no prompt
when it comes from the Mac App Store, when the group ID starts with its Team ID,
or when an embedded provisioning profile authorises the group. Otherwise the
user sees "would like to access data from other apps" (see
group-id-not-team-prefixed).

Evidence: the resolved path, the group ID and the app's claimed groups.`,
	Workarounds: map[Distribution][]string{},
	References:  []string{docAppGroups},
})

var ruleAllowedVarRun = register(&Rule{
	ID:       "allowed-var-run",
	Severity: SeverityInfo,
	Title:    "Socket under /private/var/run",
	Summary:  "The sandbox allows connecting because the socket lies under /private/var/run.",
	Doc: `application.sb allows network-outbound to every socket whose resolved path
lies under /private/var/run, apart from usbmuxd, cupsd without the print
entitlement and mDNSResponder without a network entitlement. The socket's own
file mode still applies, so a root-only socket refuses the app with EACCES (see
socket-permission). bind is not allowed there.

The rule is confirmed for macOS 14.4 and 26.6; older releases are not verified.

Evidence: the resolved path and, for the system sockets, the entitlement that
allows them.`,
	Workarounds: map[Distribution][]string{},
	References:  []string{forumSocketsFromSandbox},
})

var ruleNotSandboxed = register(&Rule{
	ID:       "not-sandboxed",
	Severity: SeverityInfo,
	Title:    "App is not sandboxed",
	Summary:  "The app lacks com.apple.security.app-sandbox, so the App Sandbox is not the cause.",
	Doc: `The app's entitlements do not set com.apple.security.app-sandbox to true, so no
App Sandbox rule applies to its sockets. If connect still fails, look at the
socket's state (missing, stale, permissions, type) or at another sandbox around
the process, such as a custom Seatbelt profile started with sandbox-exec, which
logs denials in the same format.

The Mac App Store requires the sandbox for every executable (ITMS-90296).

Evidence: the entitlements of the app, read from its code signature or the
given plist.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS: {"Add com.apple.security.app-sandbox before uploading; the socket then has to move " +
			"into a container the app may reach."},
	},
	References: []string{docViolations},
})
