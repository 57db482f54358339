// Package checks holds sockdoctor's rule catalog: each rule is data (ID,
// severity, title, documentation, workaround per distribution channel) plus
// one function that decides whether it applies to the facts at hand.
package checks

// Severity orders findings; the report sorts by it, then by rule ID.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
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

const (
	DistributionMAS         Distribution = "mas"
	DistributionDeveloperID Distribution = "developer-id"
	DistributionDevelopment Distribution = "development"
	DistributionUnknown     Distribution = "unknown"
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

	// AppEvidence lists the Evidence lines that state what the tool knows
	// of the app: its bundle ID, Team ID, sandbox and groups, or that it is
	// unknown. Explain drops them where it states its own assumptions.
	// They are not part of the JSON report.
	AppEvidence []string `json:"-"`
}
