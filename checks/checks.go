// Package checks holds sockdoctor's rule catalog: each rule is data (ID,
// severity, title, documentation, workaround per distribution channel) plus
// one function that decides whether it applies to the facts at hand.
//
// The rules model how the macOS App Sandbox treats Unix domain sockets:
// connect and bind are checked as network-outbound and network-bind on the
// resolved path, allowed only in the app's container, its claimed app group
// containers and, for connect, /private/var/run. The sources are public
// copies of the App Sandbox profile application.sb of macOS 14.4 and 26.6,
// Apple DTS replies on the Apple Developer Forums (threads 788364, 133543,
// 124895 and 817602), Apple's documentation on app groups and temporary
// exceptions, and the XNU source (bsd/kern/uipc_usrreq.c for the errno
// order of connect, bsd/sys/un.h for sun_path). Each rule's Doc names the
// sources of its own facts.
package checks

// Severity orders findings; the report sorts by it, then by rule ID.
type Severity string

// Severity values, most severe first. They are part of the JSON report.
const (
	// SeverityError marks a finding that makes the socket fail: a sandbox
	// denial, a path too long for sun_path or a socket that cannot work.
	SeverityError Severity = "error"
	// SeverityWarning marks a risk: App Review, a prompt, a server that
	// does not answer.
	SeverityWarning Severity = "warning"
	// SeverityInfo marks an explanation, such as why the sandbox allows a
	// socket or why a tempting entitlement does not help.
	SeverityInfo Severity = "info"
)

// Rank returns a number that is larger for more severe findings.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Distribution is the channel an app ships through; workarounds depend on it.
type Distribution string

// Distribution values, as --distribution takes them and the JSON report
// prints them.
const (
	// DistributionMAS is the Mac App Store, where every executable must be
	// sandboxed and App Review decides on temporary exceptions.
	DistributionMAS Distribution = "mas"
	// DistributionDeveloperID is direct distribution with a Developer ID
	// signature, which may ship unsandboxed helpers.
	DistributionDeveloperID Distribution = "developer-id"
	// DistributionDevelopment is a development signature, not yet tied to
	// a channel.
	DistributionDevelopment Distribution = "development"
	// DistributionUnknown is used when the channel cannot be determined. Workarounds
	// then list every channel's advice, each labelled, and a rule's
	// DistributionUnknown workarounds apply to every channel.
	DistributionUnknown Distribution = "unknown"
)

// Finding is one rule that applied, with what the tool saw and what to do.
type Finding struct {
	Rule       string   `json:"rule"`
	Severity   Severity `json:"severity"`
	Title      string   `json:"title"`
	Message    string   `json:"message"`
	Evidence   []string `json:"evidence"`
	Workaround []string `json:"workaround"`
	References []string `json:"references"`

	// AppEvidence lists the Evidence lines that state the facts the tool has
	// about the app: its bundle ID, Team ID, sandbox and groups, or that it is
	// unknown. Explain drops them where it states its own assumptions.
	// They are not part of the JSON report.
	AppEvidence []string `json:"-"`
}
