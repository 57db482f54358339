package report

import (
	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// Report is the result of `sockdoctor check`: one app, one socket (or the
// candidates of a preset), the verdict and the findings. Its JSON form is
// schema_version "1"; fields are only ever added.
type Report struct {
	SchemaVersion string           `json:"schema_version"`
	Tool          Tool             `json:"tool"`
	Target        *Target          `json:"target"`
	Socket        *socket.Info     `json:"socket"`
	Verdict       checks.Verdict   `json:"verdict"`
	Findings      []checks.Finding `json:"findings"`

	// Preset is set when the socket came from --preset. Candidates then
	// holds the diagnosis of every candidate path, and Socket, Verdict and
	// Findings repeat the one the report is about: the first candidate that
	// exists, else the first.
	Preset     *socket.Preset `json:"preset,omitempty"`
	Candidates []Candidate    `json:"candidates,omitempty"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target is the app as the report shows it.
type Target struct {
	Path         string            `json:"path"`
	Kind         string            `json:"kind"`
	BundleID     string            `json:"bundle_id"`
	TeamID       string            `json:"team_id"`
	Signature    string            `json:"signature"`
	Distribution string            `json:"distribution"`
	Sandboxed    bool              `json:"sandboxed"`
	AppGroups    []string          `json:"app_groups"`
	Entitlements entitlements.Dict `json:"entitlements"`
}

// Candidate is the diagnosis of one candidate path of a preset.
type Candidate struct {
	Socket   *socket.Info     `json:"socket"`
	Verdict  checks.Verdict   `json:"verdict"`
	Findings []checks.Finding `json:"findings"`
}

// NewTarget builds the report's view of t. distribution is the channel the
// workarounds were chosen for, which --distribution may have overridden.
func NewTarget(t *entitlements.Target, distribution checks.Distribution) *Target {
	view := t.Entitlements.View()
	groups := view.AppGroups
	if groups == nil {
		groups = []string{}
	}
	ents := t.Entitlements
	if ents == nil {
		ents = entitlements.Dict{}
	}
	signature := string(t.Signature)
	if signature == "" {
		signature = string(entitlements.SignatureUnknown)
	}
	return &Target{
		Path:         t.Path,
		Kind:         t.Kind,
		BundleID:     t.BundleID,
		TeamID:       t.TeamID,
		Signature:    signature,
		Distribution: string(distribution),
		Sandboxed:    view.Sandboxed,
		AppGroups:    groups,
		Entitlements: ents,
	}
}

// New builds a report of one diagnosis.
func New(version string, target *Target, info *socket.Info, d checks.Diagnosis) *Report {
	findings := d.Findings
	if findings == nil {
		findings = []checks.Finding{}
	}
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "sockdoctor", Version: version},
		Target:        target,
		Socket:        info,
		Verdict:       d.Verdict,
		Findings:      findings,
	}
}

// chosenCandidate returns the index of the candidate whose socket the
// report is about, or 0 when none matches.
func (r *Report) chosenCandidate() int {
	for i, c := range r.Candidates {
		if c.Socket == r.Socket {
			return i
		}
	}
	return 0
}

// choiceReason returns the reason the report is about the chosen candidate, in the
// words of socket.ChooseCandidate, which made the choice.
func (r *Report) choiceReason() string {
	infos := make([]*socket.Info, len(r.Candidates))
	for i, c := range r.Candidates {
		infos[i] = c.Socket
	}
	_, reason := socket.ChooseCandidate(infos)
	return reason
}

// candidatePath returns the candidate's socket path, or "" without one.
func candidatePath(c Candidate) string {
	if c.Socket == nil {
		return ""
	}
	return c.Socket.Path
}

// candidateFileState returns, in a few words, whether the candidate's path
// exists: "exists", "missing" or "not read" for a modelled path.
func candidateFileState(c Candidate) string {
	switch {
	case c.Socket == nil:
		return "not read"
	case c.Socket.Exists:
		return "exists"
	case c.Socket.Type == "missing":
		return "missing"
	}
	return "not read"
}
