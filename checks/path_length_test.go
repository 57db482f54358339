package checks

import (
	"fmt"
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

func TestPathTooLongModelledHome(t *testing.T) {
	ciHome := "/tmp/" + strings.Repeat("c", 40) + "/home"
	data := "/Library/Containers/" + testBundle + "/Data/"
	tests := []struct {
		name      string
		modelled  bool
		rawBytes  int
		long      bool
		macLength string // expected evidence for the path on the Mac
	}{
		// On the Mac the path is 124 - len(ciHome) + len("/Users/home") bytes.
		{name: "modelled home fits on the Mac", modelled: true, rawBytes: 124, macLength: "path on the Mac: 85 bytes"},
		{name: "real home measured raw", modelled: false, rawBytes: 124, long: true},
		{name: "modelled home too long on the Mac", modelled: true, rawBytes: 160, long: true, macLength: "path on the Mac: 121 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := lengthOf(t, ciHome+data, tt.rawBytes)
			info := listening(given, socket.LocationOwnContainer)
			d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: ciHome, ModelledHome: tt.modelled})

			if got := slices.Contains(findingRules(d.Findings), "path-too-long"); got != tt.long {
				t.Errorf("path-too-long raised = %t, want %t for a %d-byte path in %s", got, tt.long, tt.rawBytes, ciHome)
			}
			if tt.macLength == "" {
				return
			}
			var evidence []string
			for _, f := range d.Findings {
				evidence = append(evidence, f.Evidence...)
			}
			if !slices.ContainsFunc(evidence, func(e string) bool { return strings.HasPrefix(e, tt.macLength) }) {
				t.Errorf("evidence %q lacks %q", evidence, tt.macLength)
			}
			rawLine := fmt.Sprintf("%d bytes", tt.rawBytes)
			if !slices.ContainsFunc(evidence, func(e string) bool { return strings.HasPrefix(e, "given path") && strings.HasSuffix(e, rawLine) }) {
				t.Errorf("evidence %q lacks the raw %s given path", evidence, rawLine)
			}
		})
	}
}
