package explain

import (
	"slices"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
)

// TestExplainOnlyRulesRaised checks every rule that the checks package
// leaves to explain: some log line here must raise it and another must
// leave it out, so the checks package's coverage gate may skip it.
func TestExplainOnlyRulesRaised(t *testing.T) {
	cases := []struct {
		line string
		opts Options
	}{
		// The rules allow mDNSResponder with network.client, so the logged
		// denial contradicts them.
		{line: "Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder", opts: Options{Target: sandboxedApp(entitlements.KeyNetworkClient)}},
		{line: "Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock"},
		{line: "Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder", opts: Options{Target: sandboxedApp()}},
	}
	raised := map[string]int{}
	quiet := map[string]int{}
	for _, c := range cases {
		d := explainLine(t, c.line, c.opts)
		ids := ruleIDs(d.Findings)
		for _, id := range checks.ExplainOnlyRuleIDs() {
			if slices.Contains(ids, id) {
				raised[id]++
			} else {
				quiet[id]++
			}
		}
	}
	for _, id := range checks.ExplainOnlyRuleIDs() {
		if raised[id] == 0 {
			t.Errorf("explain-only rule %q is raised by no case; add a log line that raises it", id)
		}
		if quiet[id] == 0 {
			t.Errorf("explain-only rule %q is raised by every case; add a log line that leaves it out", id)
		}
	}
}
