package checks

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sockdoctor/sockdoctor/entitlements"
)

// Static rules judge entitlements and code signatures without a live socket,
// so they run in CI on Linux. They read a StaticTarget: the facts of one
// entitlements file or one piece of signed code.

// StaticTarget is the input of the static rules for one entitlements file or
// one piece of signed code.
type StaticTarget struct {
	// Path names the file or bundle in findings.
	Path string
	// Kind is "app", "macho" or "entitlements-file".
	Kind string
	// TeamID is the signing team, or "" when unknown (a source file, an
	// ad-hoc or unsigned build).
	TeamID string
	// Signature is the signature kind: developer-id, app-store, development,
	// ad-hoc, unsigned or unknown; "" for a source file.
	Signature    string
	Entitlements entitlements.Dict
	// HasProfile reports whether an embedded provisioning profile was read;
	// ProfileGroups lists the app groups it authorises.
	HasProfile    bool
	ProfileGroups []string
	// DERMismatches describes, one line per disagreement, where the XML and
	// DER entitlement blobs of a signature differ.
	DERMismatches []string
}

// StaticOptions are the settings of the static rules.
type StaticOptions struct {
	// Distribution is the channel the code ships through, or unknown when
	// neither the signature nor a flag sets it.
	Distribution Distribution
	// UserNameLength is the length in bytes of the user name that
	// group-path-budget assumes; 0 means DefaultUserNameLength.
	UserNameLength int
	// SocketName is the socket file name that group-path-budget assumes;
	// "" means DefaultSocketName.
	SocketName string
	// Disabled lists rule IDs whose findings are dropped.
	Disabled map[string]bool
}

// Defaults of group-path-budget. RocketSim's group socket ipc.sock failed
// to bind for a 27-character short user name ("alexandra-martinez-iglesias",
// GitHub issue AvdLee/RocketSimApp#1034), so the budget keeps room for a
// user name that long and a socket name of that length.
const (
	DefaultUserNameLength = 27
	DefaultSocketName     = "ipc.sock"
)

func (o StaticOptions) userNameLength() int {
	if o.UserNameLength > 0 {
		return o.UserNameLength
	}
	return DefaultUserNameLength
}

func (o StaticOptions) socketName() string {
	if o.SocketName != "" {
		return o.SocketName
	}
	return DefaultSocketName
}

func (o StaticOptions) distribution() Distribution {
	if o.Distribution == "" {
		return DistributionUnknown
	}
	return o.Distribution
}

// StaticFinding is a finding of a static rule together with what it points
// at, so reports can place it on a line of a source plist or a file of a
// bundle.
type StaticFinding struct {
	Finding
	// Path is the StaticTarget.Path of the code or file the finding is about.
	Path string
	// Key is the entitlement key the finding is about, or "" when it concerns
	// the signature or the bundle as a whole.
	Key string
	// Value is the offending value of Key (one group ID, one exception), or "".
	Value string
}

// StaticResults runs every single-target static rule on t and returns the
// findings sorted by severity, rule ID and message.
func StaticResults(t StaticTarget, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	for _, check := range singleTargetChecks {
		out = append(out, check(t, opts)...)
	}
	return finishStatic(out, opts)
}

// singleTargetChecks lists the rule functions that need one target only. Each
// rule file appends its functions from init.
var singleTargetChecks []func(StaticTarget, StaticOptions) []StaticFinding

// finishStatic drops disabled rules and sorts the rest.
func finishStatic(findings []StaticFinding, opts StaticOptions) []StaticFinding {
	kept := findings[:0]
	for _, f := range findings {
		if !opts.Disabled[f.Rule] {
			kept = append(kept, f)
		}
	}
	SortStaticFindings(kept)
	return kept
}

// SortStaticFindings orders findings like SortFindings and breaks ties by
// path, key and value, so output is deterministic.
func SortStaticFindings(findings []StaticFinding) {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Severity.Rank() != b.Severity.Rank() || a.Rule != b.Rule {
			return compareFindings(a.Finding, b.Finding) < 0
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Message < b.Message
	})
}

// Findings returns the plain findings of static results.
func Findings(results []StaticFinding) []Finding {
	out := make([]Finding, len(results))
	for i, r := range results {
		out[i] = r.Finding
	}
	return out
}

// newStatic builds a StaticFinding of rule r about key and value of t.
func newStatic(r *Rule, t StaticTarget, opts StaticOptions, key, value, message string, evidence ...string) StaticFinding {
	return StaticFinding{
		Finding: r.NewFinding(opts.distribution(), message, evidence...),
		Path:    t.Path,
		Key:     key,
		Value:   value,
	}
}

// placeholderPattern matches an Xcode build setting reference: $(NAME),
// $(NAME:modifier) or ${NAME}.
var placeholderPattern = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)[^)]*\)|\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}`)

// placeholders returns the build setting names referenced in s.
func placeholders(s string) []string {
	var names []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(s, -1) {
		if m[1] != "" {
			names = append(names, m[1])
		} else {
			names = append(names, m[2])
		}
	}
	return names
}

// isSandboxed reports whether the entitlements turn the App Sandbox on.
func isSandboxed(d entitlements.Dict) bool {
	return d.Bool(entitlements.KeyAppSandbox)
}

// claimedGroups returns the string entries of the application-groups array;
// entries of other types are reported by entitlement-wrong-type.
func claimedGroups(d entitlements.Dict) []string {
	var groups []string
	switch v := d[entitlements.KeyApplicationGroups].(type) {
	case []any:
		for _, item := range v {
			if s, ok := item.(string); ok {
				groups = append(groups, s)
			}
		}
	case string:
		groups = append(groups, v)
	}
	return groups
}

// describe names t for messages: its path, or "the entitlements" without one.
func describe(t StaticTarget) string {
	if t.Path == "" {
		return "the entitlements"
	}
	return fmt.Sprintf("%q", t.Path)
}

// quoteList quotes each item and joins them with commas.
func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}

// StaticRuleIDs returns the IDs of every rule the static checks can raise,
// sorted: the rules of this file set and sbpl-exception of the sandbox reach
// catalog.
func StaticRuleIDs() []string {
	ids := []string{
		groupNotTeamPrefixed.ID, groupTeamMismatch.ID, groupNotInProfile.ID, groupPathBudget.ID,
		unresolvedPlaceholder.ID, derMismatch.ID, adHocSignature.ID, wrongType.ID,
		temporaryExceptionReview.ID, masRequiresSandbox.ID, nestedNotSandboxed.ID, inheritMisuse.ID,
		groupNotShared.ID, "sbpl-exception",
	}
	sort.Strings(ids)
	return ids
}
