package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/socket"
)

// explainReport builds a report with one denial of each kind, as explain
// makes them, for the golden files.
func explainReport() *ExplainReport {
	path := goldenHome + "/.docker/run/docker.sock"
	info := &socket.Info{
		Path: path, ResolvedPath: path, PathBytes: len(path), GivenPathBytes: len(path),
		Location: socket.LocationHome, LocationDetail: "in the home folder, outside every container",
		Dial: socket.Dial{Result: socket.DialSkipped, Error: "explain reads a log and makes no test connect"},
	}
	d := checks.Diagnose(checks.Input{
		Socket: info, Operation: "connect", Distribution: checks.DistributionDeveloperID, Process: "curl",
		Assumed: []string{"home folder " + goldenHome + ", taken from the logged path"}, Home: goldenHome,
	})

	denials := []Denial{
		{
			Process: "curl", PID: 22299, Operation: "network-outbound", Target: path, Format: "log-compact", Line: 2,
			Raw:   "2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) Sandbox: curl(22299) deny(1) network-outbound " + path,
			Count: 3, FirstTime: "2026-10-01 11:26:44.249", LastTime: "2026-10-01 11:27:02.003",
			Kind: DenialSocket, Socket: info, Verdict: &d.Verdict, Findings: d.Findings,
			Assumed: []string{"home folder " + goldenHome + ", taken from the logged path"},
		},
		{
			Process: "llama-server", PID: 4242, Operation: "network-bind", Target: "local:*:8080", Format: "kernel", Line: 5,
			Raw:   "Sandbox: llama-server(4242) deny(1) network-bind local:*:8080",
			Count: 1, Kind: DenialNetwork,
			Meaning:  "network-bind to the IP endpoint local:*:8080 needs com.apple.security.network.server.",
			Findings: []checks.Finding{},
		},
		{
			Process: "SampleApp", PID: 12447, Operation: "forbidden-sandbox-reinit", Format: "violation-report", Line: 7,
			Raw:        "Sandbox: SampleApp(12447) deny(1) forbidden-sandbox-reinit",
			Count:      1,
			Identifier: "com.example.SampleApp", ExecutablePath: goldenHome + "/Build/SampleApp.app/Contents/MacOS/SampleApp",
			Backtrace: []string{"libsystem_secinit.dylib _libsecinit_appsandbox + 2096"},
			Kind:      DenialOther, Meaning: "forbidden-sandbox-reinit: a process that is already sandboxed tried to enter the App Sandbox again",
			Findings: []checks.Finding{},
		},
	}
	return NewExplainReport("v1.0.0", nil, denials, LogStats{Lines: 12, Events: 5, Other: 2, Unknown: 1})
}

func TestExplainTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExplainText(&buf, explainReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "explain.txt", buf.Bytes())
}

func TestExplainJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExplainJSON(&buf, explainReport()); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "explain.json", buf.Bytes())

	var decoded map[string]any
	if err := json.Unmarshal(buf.Bytes(), &decoded); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if decoded["schema_version"] != SchemaVersion {
		t.Errorf("schema_version = %v", decoded["schema_version"])
	}
}

func TestExplainMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	opts := ExplainMarkdownOptions{Redact: true, Users: []UserHome{{Home: goldenHome, User: goldenUser}}}
	if err := WriteExplainMarkdown(&buf, explainReport(), opts); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "explain.md", buf.Bytes())

	if strings.Contains(buf.String(), goldenUser) {
		t.Errorf("redacted Markdown contains the user name %q", goldenUser)
	}
}

func TestExplainSARIFGolden(t *testing.T) {
	r := explainReport()
	var rules []*checks.Rule
	for _, f := range r.Findings() {
		rule, ok := checks.Lookup(f.Rule)
		if !ok {
			t.Fatalf("finding of unknown rule %q", f.Rule)
		}
		rules = append(rules, rule)
	}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, SARIFTool{Name: "sockdoctor", Version: "v1.0.0"}, rules, ExplainSARIFResults(r)); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "explain.sarif.json", buf.Bytes())

	if strings.Contains(buf.String(), `"locations"`) {
		t.Error("explain SARIF results carry a location")
	}
}

func TestPrintable(t *testing.T) {
	tests := map[string]string{
		"/private/tmp/plain.sock":       "/private/tmp/plain.sock",
		"/private/tmp/a\x1b[31m.sock":   `/private/tmp/a\x1b[31m.sock`,
		"caf\xe9":                       "caf\uFFFD",
		"tab\tstays":                    "tab\tstays",
		"line\nbreak":                   `line\x0abreak`,
		"Group Containers/ABC.grp/x.so": "Group Containers/ABC.grp/x.so",
	}
	for in, want := range tests {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInputSummary(t *testing.T) {
	tests := []struct {
		denials int
		stats   LogStats
		want    string
	}{
		{1, LogStats{Lines: 1, Events: 1}, "1 distinct denial from 1 log entry in 1 line."},
		{0, LogStats{Lines: 3, Other: 1, Unknown: 1}, "0 distinct denials from 0 log entries in 3 lines. Skipped: 1 log entry without a denial, 1 line in no known format."},
		{2, LogStats{Lines: 9, Events: 4, Oversized: 2}, "2 distinct denials from 4 log entries in 9 lines. Skipped: 2 lines too long to read."},
	}
	for _, tt := range tests {
		if got := InputSummary(tt.denials, tt.stats); got != tt.want {
			t.Errorf("InputSummary(%d, %+v) = %q, want %q", tt.denials, tt.stats, got, tt.want)
		}
	}
}

func TestExplainMarkdownRedactsWholeUserName(t *testing.T) {
	// A user name is replaced only as a whole word. macOS short names may
	// contain "-", "_" and ".", so "jdoe-tool" is another name, and a
	// process or file named after the user keeps its name.
	d := Denial{
		Process: "jdoe-tool", PID: 7, Operation: "network-outbound", Target: "/Users/jdoe/s.sock", Format: "kernel", Line: 1,
		Raw:         "Sandbox: jdoe-tool(7) deny(1) network-outbound /Users/jdoe/s.sock",
		Count:       1,
		Responsible: "/Users/jdoe/bin/jdoe",
		Kind:        DenialOther, Meaning: "started by jdoe", Findings: []checks.Finding{},
	}
	var buf bytes.Buffer
	opts := ExplainMarkdownOptions{Redact: true, Users: []UserHome{{Home: "/Users/jdoe", User: "jdoe"}}}
	if err := WriteDenialMarkdown(&buf, 1, &d, opts); err != nil {
		t.Fatal(err)
	}
	out := buf.String()

	if strings.Contains(out, "/Users/jdoe") {
		t.Errorf("the home folder is not redacted:\n%s", out)
	}
	if !strings.Contains(out, "~/s.sock") {
		t.Errorf("the socket path is not shown under ~:\n%s", out)
	}
	if !strings.Contains(out, "started by user") {
		t.Errorf("the user name as a whole word is not redacted:\n%s", out)
	}
	if !strings.Contains(out, "~/bin/user") {
		t.Errorf("the user name as a path component is not redacted:\n%s", out)
	}
	if got := strings.Count(out, "jdoe-tool"); got != 2 {
		t.Errorf("jdoe-tool appears %d times, want 2 (headline and log line):\n%s", got, out)
	}
}
