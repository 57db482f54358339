package checks

import (
	"fmt"
	"sort"
	"strings"
)

// Rule is one entry of the catalog. The IDs are a stable public contract:
// users suppress them, CI systems key results on them.
type Rule struct {
	ID       string
	Severity Severity
	// Title is a short noun phrase, shown as the finding's headline.
	Title string
	// Summary is one sentence that states when the rule fires.
	Summary string
	// Doc is the Markdown documentation printed by `sockdoctor rules ID`: what
	// the rule means, why macOS behaves so, the evidence the tool uses, and
	// the sources of those facts.
	Doc string
	// Workarounds maps a distribution channel to the supported ways out.
	// DistributionUnknown holds the advice that applies to every channel.
	Workarounds map[Distribution][]string
	References  []string
}

var catalog = map[string]*Rule{}

// register adds r to the catalog; rule files call it from init.
func register(r *Rule) *Rule {
	if _, dup := catalog[r.ID]; dup {
		panic(fmt.Sprintf("checks: rule %q registered twice", r.ID))
	}
	catalog[r.ID] = r
	return r
}

// Lookup returns the rule with the given ID.
func Lookup(id string) (*Rule, bool) {
	r, ok := catalog[id]
	return r, ok
}

// Catalog returns every rule, sorted by ID.
func Catalog() []*Rule {
	rules := make([]*Rule, 0, len(catalog))
	for _, r := range catalog {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// WorkaroundFor returns the workarounds for a channel: the channel's own
// advice followed by the advice common to all channels. For an unknown
// channel it lists every channel's advice, each labelled.
func (r *Rule) WorkaroundFor(dist Distribution) []string {
	return workaroundsFor(r.Workarounds, dist)
}

// workaroundsFor is WorkaroundFor on a map of workarounds by channel.
func workaroundsFor(workarounds map[Distribution][]string, dist Distribution) []string {
	common := workarounds[DistributionUnknown]
	if dist != DistributionUnknown {
		out := append([]string(nil), workarounds[dist]...)
		return append(out, common...)
	}

	var out []string
	for _, d := range []Distribution{DistributionMAS, DistributionDeveloperID, DistributionDevelopment} {
		for _, w := range workarounds[d] {
			out = append(out, fmt.Sprintf("%s: %s", channelLabel(d), w))
		}
	}
	return append(out, common...)
}

// NewFinding builds a finding of this rule for a distribution channel.
func (r *Rule) NewFinding(dist Distribution, message string, evidence ...string) Finding {
	return Finding{
		Rule:       r.ID,
		Severity:   r.Severity,
		Title:      r.Title,
		Message:    message,
		Evidence:   append([]string{}, evidence...),
		Workaround: append([]string{}, r.WorkaroundFor(dist)...),
		References: append([]string{}, r.References...),
	}
}

func channelLabel(d Distribution) string {
	switch d {
	case DistributionMAS:
		return "Mac App Store"
	case DistributionDeveloperID:
		return "Developer ID"
	case DistributionDevelopment:
		return "Development"
	}
	return string(d)
}

// SortFindings orders findings by severity (most severe first), then rule ID,
// then message, so every output format is deterministic.
func SortFindings(findings []Finding) {
	sort.SliceStable(findings, func(i, j int) bool {
		return compareFindings(findings[i], findings[j]) < 0
	})
}

// compareFindings orders a before b by severity (most severe first), then
// rule ID, then message; it returns 0 when all three are equal.
func compareFindings(a, b Finding) int {
	if a.Severity.Rank() != b.Severity.Rank() {
		return b.Severity.Rank() - a.Severity.Rank()
	}
	if c := strings.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
