package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/socket"
)

// lengthOf returns a path that starts with prefix and is exactly n bytes.
func lengthOf(t *testing.T, prefix string, n int) string {
	t.Helper()
	fill := n - len(prefix) - len(".sock")
	if fill < 1 {
		t.Fatalf("%q is too long for a %d-byte path", prefix, n)
	}
	return prefix + strings.Repeat("s", fill) + ".sock"
}

func TestPathTooLongMeasuresGivenPath(t *testing.T) {
	ownData := testHome + "/Library/Containers/" + testBundle + "/Data/"
	tests := []struct {
		name     string
		given    string
		resolved string
		long     bool
	}{
		{name: "short symlink to long target", given: testHome + "/short.sock", resolved: lengthOf(t, ownData, 118)},
		{name: "home under tmp 103 bytes", given: lengthOf(t, "/tmp/h/Library/Containers/"+testBundle+"/Data/", 103)},
		{name: "home under tmp 104 bytes", given: lengthOf(t, "/tmp/h/Library/Containers/"+testBundle+"/Data/", 104), long: true},
		{name: "long symlink to short target", given: lengthOf(t, ownData, 104), resolved: ownData + "s.sock", long: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := listening(tt.given, socket.LocationOwnContainer)
			if tt.resolved != "" {
				info.ResolvedPath = tt.resolved
				info.PathBytes = len(tt.resolved)
			}
			d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: testHome})

			if got := slices.Contains(findingRules(d.Findings), "path-too-long"); got != tt.long {
				t.Errorf("path-too-long raised = %t, want %t for a %d-byte given path", got, tt.long, len(tt.given))
			}
		})
	}
}

func TestLongResolvedPathEvidence(t *testing.T) {
	target := lengthOf(t, testHome+"/Library/Containers/"+testBundle+"/Data/", 118)
	info := listening(testHome+"/short.sock", socket.LocationOwnContainer)
	info.ResolvedPath, info.PathBytes = target, len(target)

	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: testHome})
	decider := findingByRule(t, d.Findings, d.Verdict.Rule)
	if !slices.ContainsFunc(decider.Evidence, func(e string) bool { return strings.Contains(e, "118 bytes") }) {
		t.Errorf("evidence %q does not state the 118-byte resolved path", decider.Evidence)
	}
}

// findingByRule returns the finding of rule id, failing the test without one.
func findingByRule(t *testing.T, findings []Finding, id string) Finding {
	t.Helper()
	for _, f := range findings {
		if f.Rule == id {
			return f
		}
	}
	t.Fatalf("no %s finding in %v", id, findingRules(findings))
	return Finding{}
}
