package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// presetReport diagnoses the three Docker Desktop candidates, of which only
// the second exists, the way check --preset docker builds its report.
func presetReport() *Report {
	target := &entitlements.Target{
		Path: goldenHome + "/Build/MyApp.app", Kind: entitlements.KindApp,
		BundleID: "com.example.MyApp", TeamID: "ABCDE12345", Signature: entitlements.SignatureAppStore,
		Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true},
	}
	preset, _ := socket.LookupPreset("docker", goldenHome, nil)
	dist := checks.DistributionMAS

	var candidates []Candidate
	for i, path := range preset.Candidates {
		info := &socket.Info{
			Path: path, ResolvedPath: socket.MacOSPath(path), PathBytes: len(path), GivenPathBytes: len(path),
			Location: socket.LocationHome, Type: "missing",
			Dial: socket.Dial{Result: socket.DialNotFound, Errno: "ENOENT"},
		}
		if i == 2 {
			info.Location, info.ContainerID = socket.LocationOtherAppContainer, "com.docker.docker"
		}
		if i == 1 {
			info.Exists, info.Type, info.Mode = true, "socket", "srwxr-xr-x"
			info.Dial = socket.Dial{Result: socket.DialConnected}
			// Docker Desktop's /var/run/docker.sock is a symlink into the
			// home folder.
			info.ResolvedPath = preset.Candidates[0]
			info.Hops = []socket.Hop{{From: "/private/var/run/docker.sock", To: preset.Candidates[0]}}
		}
		d := checks.Diagnose(checks.Input{Target: target, Socket: info, Distribution: dist, Home: goldenHome})
		candidates = append(candidates, Candidate{Socket: info, Verdict: d.Verdict, Findings: d.Findings})
	}

	chosen := candidates[1]
	r := New("test", NewTarget(target, dist), chosen.Socket, checks.Diagnosis{Verdict: chosen.Verdict, Findings: chosen.Findings})
	r.Preset = &preset
	r.Candidates = candidates
	return r
}

func TestPresetTextShowsChosenOnly(t *testing.T) {
	r := presetReport()
	var buf bytes.Buffer
	if err := WriteText(&buf, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()

	if !strings.Contains(out, "Candidate 2 of 3, the first whose server accepted the test connect:\n") {
		t.Errorf("text does not name the chosen candidate:\n%s", out)
	}
	if got := strings.Count(out, "Findings ("); got != 1 {
		t.Errorf("text has %d finding lists, want 1 for the chosen candidate:\n%s", got, out)
	}
	if got := strings.Count(out, "There is no supported way"); got != 1 {
		t.Errorf("text repeats the store workaround %d times, want 1:\n%s", got, out)
	}
	for _, want := range []string{
		"Other candidates:\n",
		"  1 of 3: " + goldenHome + "/.docker/run/docker.sock: DENIED (outside-sandbox-reach), missing\n",
		"  3 of 3: " + goldenHome + "/Library/Containers/com.docker.docker/Data/docker.raw.sock: DENIED (other-app-container), missing\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "  2 of 3:") {
		t.Errorf("text lists the chosen candidate among the others:\n%s", out)
	}
}

func TestPresetMarkdownShowsChosenOnly(t *testing.T) {
	r := presetReport()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()

	if !strings.Contains(out, "### Candidate 2 of 3, the first whose server accepted the test connect\n") {
		t.Errorf("Markdown does not name the chosen candidate:\n%s", out)
	}
	if got := strings.Count(out, "There is no supported way"); got != 1 {
		t.Errorf("Markdown repeats the store workaround %d times, want 1:\n%s", got, out)
	}
	if !strings.Contains(out, "| 1 of 3 | `"+goldenHome+"/.docker/run/docker.sock` | denied (`outside-sandbox-reach`) | missing |") {
		t.Errorf("Markdown lacks the summary row of candidate 1:\n%s", out)
	}
	if lines := strings.Count(out, "\n"); lines > 120 {
		t.Errorf("Markdown has %d lines, want at most 120 for one full candidate", lines)
	}
}

func TestPresetJSONKeepsEveryCandidate(t *testing.T) {
	r := presetReport()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Candidates []struct {
			Findings []checks.Finding `json:"findings"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Candidates) != 3 {
		t.Fatalf("JSON has %d candidates, want 3", len(doc.Candidates))
	}
	for i, c := range doc.Candidates {
		if len(c.Findings) == 0 {
			t.Errorf("candidate %d has no findings in JSON", i+1)
		}
	}
}

func TestPresetNoneExistsChoosesFirst(t *testing.T) {
	r := presetReport()
	r.Socket, r.Verdict, r.Findings = r.Candidates[0].Socket, r.Candidates[0].Verdict, r.Candidates[0].Findings
	missing := r.Candidates[1].Socket
	missing.Exists, missing.Type, missing.Dial = false, "missing", socket.Dial{Result: socket.DialNotFound}
	var buf bytes.Buffer
	if err := WriteText(&buf, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Candidate 1 of 3, the first, because none was found:\n") {
		t.Errorf("text does not explain the choice of the first candidate:\n%s", buf.String())
	}
}

func TestSourcePlistSignatureNone(t *testing.T) {
	target := &entitlements.Target{
		Path: "MyApp.entitlements", Kind: entitlements.KindEntitlementsFile, Signature: entitlements.SignatureUnknown,
		Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true},
	}
	r := New("test", NewTarget(target, checks.DistributionUnknown), nil, checks.Diagnosis{})

	var text, markdown, data bytes.Buffer
	if err := WriteText(&text, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&markdown, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&data, r); err != nil {
		t.Fatal(err)
	}

	if !strings.Contains(text.String(), "signature none (source file)") {
		t.Errorf("text does not say the source file has no signature:\n%s", text.String())
	}
	if strings.Contains(text.String(), "signature unknown") {
		t.Errorf("text calls the source file's signature unknown:\n%s", text.String())
	}
	if !strings.Contains(markdown.String(), "signature none (source file)") {
		t.Errorf("Markdown does not say the source file has no signature:\n%s", markdown.String())
	}
	if !strings.Contains(data.String(), `"signature": "unknown"`) {
		t.Errorf("JSON signature is not the contract value unknown:\n%s", data.String())
	}
}
