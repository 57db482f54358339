package checks

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

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
// case raises or that every recorded case raises. With -run set it returns
// nil when a coverage source did not run, because -run may have left it
// out. Without -run every source ran, so one that recorded nothing has
// stopped recording and is a gap itself.
func ruleCoverageGaps(runPattern string) []string {
	ruleCoverage.Lock()
	defer ruleCoverage.Unlock()
	var gaps []string
	for _, source := range coverageSources {
		if ruleCoverage.sources[source] {
			continue
		}
		if runPattern != "" {
			return nil
		}
		gaps = append(gaps, fmt.Sprintf("coverage source %s recorded no test case; call recordFindings or recordRule in it, or remove it from coverageSources", source))
	}
	if len(gaps) > 0 {
		return gaps
	}

	for _, r := range Catalog() {
		if slices.Contains(ExplainOnlyRuleIDs(), r.ID) {
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
		if gaps := ruleCoverageGaps(runFlag()); len(gaps) > 0 {
			fmt.Fprintln(os.Stderr, "--- FAIL: rule coverage")
			for _, gap := range gaps {
				fmt.Fprintln(os.Stderr, "    "+gap)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// runFlag returns the -test.run pattern, or "" when it is unset.
func runFlag() string {
	if f := flag.Lookup("test.run"); f != nil {
		return f.Value.String()
	}
	return ""
}

func TestExplainOnlyRulesRegistered(t *testing.T) {
	for _, id := range ExplainOnlyRuleIDs() {
		if _, ok := Lookup(id); !ok {
			t.Errorf("explain-only rule %q is not in the catalog", id)
		}
	}
}
