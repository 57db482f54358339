package checks

// DeniedDespiteRulesID is the ID of the rule that explain raises when the
// App Sandbox rules allow a socket operation that the log shows denied.
const DeniedDespiteRulesID = "denied-despite-rules"

// ExplainOnlyRuleIDs returns the IDs of catalog rules that only explain
// raises, because they need a log line. The checks package cannot raise
// them in its own tests, so sandboxlog/explain tests them instead.
func ExplainOnlyRuleIDs() []string {
	return []string{DeniedDespiteRulesID}
}

// ruleDeniedDespiteRules is raised by explain only: check has no log line
// that could contradict its verdict.
var ruleDeniedDespiteRules = register(&Rule{
	ID:       DeniedDespiteRulesID,
	Severity: SeverityWarning,
	Title:    "Denied although the App Sandbox rules allow it",
	Summary:  "The log shows a denial of a socket operation that the App Sandbox rules allow for this app, so something other than those rules denied it.",
	Doc: `The log shows that network-outbound or network-bind on a Unix socket path was
denied, but the App Sandbox rules, applied to the app's entitlements, allow it:
the path lies in the app's own container, in a claimed group container, or
under /private/var/run with the entitlement a system socket needs, or the app
is not sandboxed at all. The log is the stronger evidence, so the denial is
real and its cause lies outside those rules.

Causes, from the most to the least common:

- Another sandbox profile applies. A custom Seatbelt profile started with
  sandbox-exec (as AI coding agents, build sandboxes and test runners use)
  logs denials in the same "Sandbox: proc(pid) deny(1) network-outbound
  /path" form, and denies every path that profile does not allow. A process
  started by such a tool inherits its profile.
- The signed build lacks an entitlement that the source .entitlements file
  lists. The sandbox reads the entitlements in the code signature, not the
  file in the project; a build setting, a signing step or a provisioning
  profile can drop or change keys. Run explain with --app on the built app
  rather than --entitlements on the source file.
- The path is a symlink (client messages only). A library such as dnssd,
  MySQL or Go's net package logs the path it passed to connect(2), before
  symlinks are resolved, while the sandbox checks the resolved path. A kernel
  line is never this case: the kernel logs the path after resolving symlinks.

Evidence: the log line, the rule that allows the path, and what explain
assumed about the app and the home folder.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {
			"Check whether the process runs under another sandbox profile: a parent started with sandbox-exec, or a tool (an AI coding agent, a build or test sandbox) that wraps commands in its own Seatbelt profile. Add a network-outbound rule for the path to that profile, or run the app outside it.",
			"Read the entitlements of the signed build with `codesign -d --entitlements - MyApp.app` or `sockdoctor entitlements MyApp.app`, compare them with the source .entitlements file, and rerun explain with --app on the built app.",
			"For a client message, resolve the logged path (`ls -l`, `realpath`) and run `sockdoctor check --socket` on it: the sandbox checks the resolved path.",
		},
	},
	References: []string{docViolations, forumSocketsFromSandbox},
})
