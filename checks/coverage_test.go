package checks

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

// explainOnlyRules are catalog rules that only `sockdoctor explain` raises,
// with the test that raises them and leaves them out.
var explainOnlyRules = map[string]string{
	DeniedDespiteRulesID: "TestExplainDiagnoses in sandboxlog/explain (mDNSResponder with network.client raises it, the other cases do not)",
}

// coverageSources are the table tests that record which rules each case
// raised and left out. The catalog check runs only when all of them ran.
var coverageSources = []string{
	"TestDiagnose", "TestDiagnoseSocketState", "TestStaticRuleFiresAndStaysQuiet",
	"TestBundleJudgedByDistribution", "TestBundleTeamsAndGroups",
}

// ruleCoverage counts, per rule ID, the test cases that raised it and the
// ones that left it out.
var ruleCoverage = struct {
	sync.Mutex
	raised, quiet map[string]int
	sources       map[string]bool
}{raised: map[string]int{}, quiet: map[string]int{}, sources: map[string]bool{}}

// recordFindings records one test case of source: every catalog rule in
// raised counts as raised, every other catalog rule as left out.
func recordFindings(source string, raised []string) {
	ruleCoverage.Lock()
	defer ruleCoverage.Unlock()
	ruleCoverage.sources[source] = true
	for _, r := range Catalog() {
		if slices.Contains(raised, r.ID) {
			ruleCoverage.raised[r.ID]++
		} else {
			ruleCoverage.quiet[r.ID]++
		}
	}
}

// recordRule records one test case of source that checks a single rule.
func recordRule(source, rule string, fired bool) {
	ruleCoverage.Lock()
	defer ruleCoverage.Unlock()
	ruleCoverage.sources[source] = true
	if fired {
		ruleCoverage.raised[rule]++
	} else {
		ruleCoverage.quiet[rule]++
	}
}

// ruleCoverageGaps returns one line per catalog rule that no recorded test
// case raises or that every recorded case raises, or nil when a coverage
// source did not run (go test -run picked other tests).
func ruleCoverageGaps() []string {
	ruleCoverage.Lock()
	defer ruleCoverage.Unlock()
	for _, source := range coverageSources {
		if !ruleCoverage.sources[source] {
			return nil
		}
	}

	var gaps []string
	for _, r := range Catalog() {
		if _, ok := explainOnlyRules[r.ID]; ok {
			continue
		}
		raised, quiet := ruleCoverage.raised[r.ID], ruleCoverage.quiet[r.ID]
		if raised == 0 || quiet == 0 {
			gaps = append(gaps, fmt.Sprintf("rule %q is raised in %d test cases and left out in %d; add a case to a table test of %v so both happen",
				r.ID, raised, quiet, coverageSources))
		}
	}
	return gaps
}

// TestMain runs the tests, then fails the package when a catalog rule lacks
// a test case that raises it or one that leaves it out.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if gaps := ruleCoverageGaps(); len(gaps) > 0 {
			fmt.Fprintln(os.Stderr, "--- FAIL: rule coverage")
			for _, gap := range gaps {
				fmt.Fprintln(os.Stderr, "    "+gap)
			}
			code = 1
		}
	}
	os.Exit(code)
}

func TestExplainOnlyRulesRegistered(t *testing.T) {
	for id := range explainOnlyRules {
		if _, ok := Lookup(id); !ok {
			t.Errorf("explain-only rule %q is not in the catalog", id)
		}
	}
}
