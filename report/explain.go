package report

import (
	"fmt"
	"strings"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/socket"
)

// ExplainReport is the result of `sockdoctor explain`: the denials found in
// a log, identical ones grouped, each with its diagnosis. Its JSON form is
// schema_version "1"; fields are only ever added.
type ExplainReport struct {
	SchemaVersion string   `json:"schema_version"`
	Tool          Tool     `json:"tool"`
	Target        *Target  `json:"target"` // null without --app or --entitlements
	Denials       []Denial `json:"denials"`
	Input         LogStats `json:"input"`
}

// Denial kinds: what a denial is about, which decides how it is diagnosed.
const (
	// DenialSocket is network-outbound or network-bind on a Unix socket
	// path, diagnosed by the check rules.
	DenialSocket = "socket"
	// DenialSocketError is a library message with an errno other than EPERM
	// for a socket path: the socket's state, not the sandbox, failed it.
	DenialSocketError = "socket-error"
	// DenialNetwork is network-outbound or network-bind on an IP endpoint.
	DenialNetwork = "network"
	// DenialOther is any other operation; it gets a one-line meaning only.
	DenialOther = "other"
)

// Denial is one group of identical denials and its diagnosis.
type Denial struct {
	Process   string `json:"process"`
	PID       int    `json:"pid"` // of the first denial; 0 when the log names none
	Operation string `json:"operation"`
	Target    string `json:"target"`
	// Errno is the errno of a library message, or 0 for sandbox lines.
	Errno int `json:"errno,omitempty"`
	// Format is the log format the first denial was read from.
	Format string `json:"format"`
	// Line is the input line of the first denial, and Raw its text.
	Line int    `json:"line"`
	Raw  string `json:"raw"`

	Count     int    `json:"count"`
	FirstTime string `json:"first_time,omitempty"`
	LastTime  string `json:"last_time,omitempty"`

	// Fields of a Console violation report.
	Identifier     string   `json:"identifier,omitempty"`
	ExecutablePath string   `json:"executable_path,omitempty"`
	Responsible    string   `json:"responsible,omitempty"`
	Backtrace      []string `json:"backtrace,omitempty"`

	Kind string `json:"kind"` // DenialSocket, DenialSocketError, DenialNetwork or DenialOther
	// Assumed lists what the diagnosis assumed because neither the log nor
	// the flags state it, such as the app's entitlements without --app. The
	// evidence of each finding repeats these lines first.
	Assumed []string `json:"assumed,omitempty"`
	// Meaning is a one-line explanation of the operation, or for a socket
	// error of the errno.
	Meaning string `json:"meaning,omitempty"`
	// Socket, Verdict and Findings are the check rules' diagnosis of a
	// socket denial. Socket is classified from the logged path alone: the
	// path is usually not on the machine that runs explain.
	Socket   *socket.Info     `json:"socket,omitempty"`
	Verdict  *checks.Verdict  `json:"verdict,omitempty"`
	Findings []checks.Finding `json:"findings"`
}

// LogStats counts what explain read.
type LogStats struct {
	Lines     int `json:"lines"`
	Events    int `json:"events"`    // denials and library errors before grouping
	Other     int `json:"other"`     // log entries without a denial
	Unknown   int `json:"unknown"`   // lines in no known format
	Oversized int `json:"oversized"` // lines or records too long to read
}

// NewExplainReport builds an explain report.
func NewExplainReport(version string, target *Target, denials []Denial, stats LogStats) *ExplainReport {
	if denials == nil {
		denials = []Denial{}
	}
	return &ExplainReport{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "sockdoctor", Version: version},
		Target:        target,
		Denials:       denials,
		Input:         stats,
	}
}

// Findings returns the findings of every denial, for --fail-on.
func (r *ExplainReport) Findings() []checks.Finding {
	var out []checks.Finding
	for _, d := range r.Denials {
		out = append(out, d.Findings...)
	}
	return out
}

// Headline returns "curl(22299) network-outbound /path", the denial as the
// kernel would log it, with control characters and invalid UTF-8 made
// visible so that log bytes cannot drive the terminal.
func (d *Denial) Headline() string {
	var b strings.Builder
	if d.Process != "" {
		b.WriteString(d.Process)
		if d.PID > 0 {
			fmt.Fprintf(&b, "(%d)", d.PID)
		}
		b.WriteString(" ")
	}
	b.WriteString(d.Operation)
	if d.Target != "" {
		b.WriteString(" " + d.Target)
	}
	if d.Errno != 0 {
		fmt.Fprintf(&b, " (errno %d)", d.Errno)
	}
	return Printable(b.String())
}

// Label returns the word that titles the denial in text output: "Socket
// error" for a client message whose errno shows that the socket's state,
// not the sandbox, failed the call, else "Denial".
func (d *Denial) Label() string {
	if d.Kind == DenialSocketError {
		return "Socket error"
	}
	return "Denial"
}

// Occurrences returns "seen 3 times, from T1 to T2", or "" for a single
// denial without a timestamp.
func (d *Denial) Occurrences() string {
	var parts []string
	if d.Count > 1 {
		parts = append(parts, fmt.Sprintf("seen %d times", d.Count))
	}
	switch {
	case d.FirstTime != "" && d.LastTime != "" && d.FirstTime != d.LastTime:
		parts = append(parts, fmt.Sprintf("from %s to %s", d.FirstTime, d.LastTime))
	case d.FirstTime != "":
		parts = append(parts, "at "+d.FirstTime)
	}
	return Printable(strings.Join(parts, ", "))
}

// Source returns where the first denial came from: "line 3 (log-compact)".
func (d *Denial) Source() string {
	return fmt.Sprintf("line %d (%s)", d.Line, d.Format)
}
