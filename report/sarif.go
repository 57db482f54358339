package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/sockdoctor/sockdoctor/checks"
)

// SARIF output follows the OASIS SARIF 2.1.0 standard and the subset GitHub
// code scanning reads: tool.driver.rules with help.markdown, and results with
// ruleId, level, message, physical locations and partialFingerprints.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// sarifSourceRoot is the uriBaseId of every location: URIs are relative
	// to the root of the checked-out repository.
	sarifSourceRoot = "%SRCROOT%"
	// fingerprintKey names sockdoctor's entry in partialFingerprints; the
	// version suffix changes if the hashed fields ever change.
	fingerprintKey = "sockdoctorFinding/v1"
)

// SARIFTool names the program in the SARIF log.
type SARIFTool struct {
	Name           string
	Version        string
	InformationURI string
}

// SARIFLocation is a place in the repository that a result points at.
type SARIFLocation struct {
	// URI is the file's URI reference: a path relative to the repository
	// root, with slashes and percent-encoding, or an absolute file URI.
	URI string
	// StartLine is the 1-based line, or 0 to point at the whole file.
	StartLine int
}

// SARIFResult is one finding with the places it points at.
type SARIFResult struct {
	Finding   checks.Finding
	Locations []SARIFLocation
	// Identity separates results of one rule in one file, such as the
	// entitlement key and value they are about. Together with the rule ID
	// and the first location's URI it forms the partial fingerprint, which
	// stays the same when lines move. "" uses the message instead.
	Identity string
}

// WriteSARIF writes a SARIF 2.1.0 log with one run: the rules as
// tool.driver.rules, each with its documentation as help.markdown, and the
// results in the order given. Rules that results refer to must be in rules.
func WriteSARIF(w io.Writer, tool SARIFTool, rules []*checks.Rule, results []SARIFResult) error {
	ruleIndex := map[string]int{}
	descriptors := make([]sarifRule, len(rules))
	for i, r := range rules {
		ruleIndex[r.ID] = i
		descriptors[i] = newSARIFRule(r)
	}

	out := make([]sarifResult, 0, len(results))
	for _, res := range results {
		index, ok := ruleIndex[res.Finding.Rule]
		if !ok {
			return fmt.Errorf("SARIF result for rule %q, which is not in the rule list", res.Finding.Rule)
		}
		out = append(out, newSARIFResult(res, index))
	}

	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifToolObject{Driver: sarifDriver{
				Name:           tool.Name,
				Version:        tool.Version,
				InformationURI: tool.InformationURI,
				Rules:          descriptors,
			}},
			ColumnKind: "unicodeCodePoints",
			Results:    out,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// SARIFLevel maps a severity to a SARIF result level.
func SARIFLevel(s checks.Severity) string {
	switch s {
	case checks.SeverityError:
		return "error"
	case checks.SeverityWarning:
		return "warning"
	}
	return "note"
}

func newSARIFRule(r *checks.Rule) sarifRule {
	helpText := r.Summary
	if helpText == "" {
		helpText = r.Title
	}
	markdown := r.Doc
	if markdown == "" {
		markdown = helpText
	}
	rule := sarifRule{
		ID:                   r.ID,
		Name:                 ruleName(r.ID),
		ShortDescription:     &sarifText{Text: r.Title},
		FullDescription:      &sarifText{Text: helpText},
		Help:                 &sarifMarkdown{Text: helpText, Markdown: markdown},
		DefaultConfiguration: &sarifConfiguration{Level: SARIFLevel(r.Severity)},
	}
	if len(r.References) > 0 {
		rule.HelpURI = r.References[0]
	}
	return rule
}

// ruleName turns a rule ID into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func newSARIFResult(res SARIFResult, ruleIndex int) sarifResult {
	f := res.Finding
	out := sarifResult{
		RuleID:    f.Rule,
		RuleIndex: ruleIndex,
		Level:     SARIFLevel(f.Severity),
		Message:   sarifText{Text: resultText(f)},
	}
	for _, loc := range res.Locations {
		artifact := sarifArtifactLocation{URI: loc.URI}
		if u, err := url.Parse(loc.URI); err == nil && !u.IsAbs() {
			artifact.URIBaseID = sarifSourceRoot
		}
		physical := sarifPhysicalLocation{ArtifactLocation: artifact}
		if loc.StartLine > 0 {
			physical.Region = &sarifRegion{StartLine: loc.StartLine}
		}
		out.Locations = append(out.Locations, sarifLocation{PhysicalLocation: physical})
	}

	identity := res.Identity
	if identity == "" {
		identity = f.Message
	}
	uri := ""
	if len(res.Locations) > 0 {
		uri = res.Locations[0].URI
	}
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + uri + "\x00" + identity))
	out.PartialFingerprints = map[string]string{fingerprintKey: hex.EncodeToString(sum[:16])}

	if len(f.Evidence) > 0 || len(f.Workaround) > 0 {
		out.Properties = &sarifResultProperties{Evidence: f.Evidence, Workaround: f.Workaround}
	}
	return out
}

// resultText is the message shown in code scanning: the finding's message
// and, on their own lines, the workarounds.
func resultText(f checks.Finding) string {
	if len(f.Workaround) == 0 {
		return f.Message
	}
	return f.Message + "\nWorkaround: " + strings.Join(f.Workaround, "\nWorkaround: ")
}

// The types below mirror the parts of the SARIF 2.1.0 object model that
// sockdoctor writes.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifToolObject `json:"tool"`
	ColumnKind string          `json:"columnKind"`
	Results    []sarifResult   `json:"results"`
}

type sarifToolObject struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	ShortDescription     *sarifText          `json:"shortDescription"`
	FullDescription      *sarifText          `json:"fullDescription"`
	Help                 *sarifMarkdown      `json:"help"`
	HelpURI              string              `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfiguration `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMarkdown struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string                 `json:"ruleId"`
	RuleIndex           int                    `json:"ruleIndex"`
	Level               string                 `json:"level"`
	Message             sarifText              `json:"message"`
	Locations           []sarifLocation        `json:"locations,omitempty"`
	PartialFingerprints map[string]string      `json:"partialFingerprints"`
	Properties          *sarifResultProperties `json:"properties,omitempty"`
}

type sarifResultProperties struct {
	Evidence   []string `json:"evidence,omitempty"`
	Workaround []string `json:"workaround,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}
