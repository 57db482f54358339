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

// hostileText contains terminal escapes, a bell, line breaks that would
// forge a verdict line, and HTML and backticks that Markdown would render.
const hostileText = "/tmp/\x1b[2J\r\x07\nSandbox: ALLOWED (allowed-own-container)\n<img src=x onerror=alert(1)>`x`&amp;.sock"

// hostileReport diagnoses a socket and an app whose every outside value
// is hostileText.
func hostileReport() *Report {
	target := &entitlements.Target{
		Path: "/Apps/" + hostileText + ".app", Kind: entitlements.KindApp,
		BundleID: "com.example." + hostileText, TeamID: hostileText, Signature: entitlements.SignatureDeveloperID,
		Entitlements: entitlements.Dict{
			entitlements.KeyAppSandbox:        true,
			entitlements.KeyApplicationGroups: []any{"group." + hostileText},
		},
	}
	info := &socket.Info{
		Path: hostileText, ResolvedPath: hostileText, PathBytes: len(hostileText), GivenPathBytes: len(hostileText),
		Location: socket.LocationTmp, LocationDetail: "in " + hostileText,
		Exists: true, Type: "socket", Mode: "srwxr-xr-x", Owner: hostileText,
		Dial: socket.Dial{Result: socket.DialRefused, Errno: "ECONNREFUSED", Error: hostileText},
	}
	dist := checks.DistributionDeveloperID
	d := checks.Diagnose(checks.Input{Target: target, Socket: info, Operation: "connect", Distribution: dist, Home: "/Users/" + hostileText})
	return New("test", NewTarget(target, dist), info, d)
}

func hostileExplainReport() *ExplainReport {
	r := hostileReport()
	denial := Denial{
		Process: "curl" + hostileText, PID: 1, Operation: "network-outbound", Target: hostileText, Format: "kernel", Line: 1,
		Raw: "Sandbox: curl(1) deny(1) network-outbound " + hostileText, Count: 1,
		Identifier: hostileText, ExecutablePath: hostileText, Responsible: "/r" + hostileText,
		Backtrace: []string{hostileText}, Kind: DenialSocket, Socket: r.Socket,
		Verdict: &r.Verdict, Findings: r.Findings, Assumed: []string{hostileText}, Meaning: hostileText,
	}
	return NewExplainReport("test", r.Target, []Denial{denial}, LogStats{Lines: 1, Events: 1})
}

// checkTerminalSafe fails on any control character other than the line
// breaks of the output itself, and on a forged verdict line.
func checkTerminalSafe(t *testing.T, out string) {
	t.Helper()
	for _, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			t.Errorf("output contains control character %U", r)
		}
	}
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "Sandbox: ALLOWED") {
			t.Errorf("output contains a forged verdict line: %q", line)
		}
	}
	if !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("output does not show the escape as \\x1b:\n%s", out)
	}
}

// checkMarkdownSafe fails on raw HTML and on a backtick that is neither
// escaped nor part of a code span, outside fenced code blocks.
func checkMarkdownSafe(t *testing.T, out string) {
	t.Helper()
	checkTerminalSafe(t, out)
	inFence := false
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence || strings.HasPrefix(line, "<sub>") {
			continue
		}
		text := withoutCodeSpans(line)
		if strings.Contains(text, "<") {
			t.Errorf("Markdown text outside code spans contains '<': %q", line)
		}
		if strings.Contains(strings.ReplaceAll(text, "\\`", ""), "`") {
			t.Errorf("Markdown text outside code spans contains an unmatched backtick: %q", line)
		}
	}
}

// withoutCodeSpans removes the code spans of one Markdown line, skipping
// backticks escaped with a backslash.
func withoutCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] == '\\' && i+1 < len(line) {
			b.WriteString(line[i : i+2])
			i += 2
			continue
		}
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		fence := strings.Repeat("`", n)
		end := closingFence(line, i+n, fence)
		if end < 0 {
			b.WriteString(line[i:])
			break
		}
		i = end + n
	}
	return b.String()
}

// closingFence returns the index of the next run of exactly len(fence)
// backticks at or after from, or -1.
func closingFence(line string, from int, fence string) int {
	for j := from; j < len(line); {
		k := strings.Index(line[j:], fence)
		if k < 0 {
			return -1
		}
		start := j + k
		end := start + len(fence)
		if end < len(line) && line[end] == '`' {
			for end < len(line) && line[end] == '`' {
				end++
			}
			j = end
			continue
		}
		return start
	}
	return -1
}

func TestHostileValuesCheckText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, hostileReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	checkTerminalSafe(t, buf.String())
}

func TestStyleEscapesText(t *testing.T) {
	got := string(newPalette(true).bold.Sprint("a\x1b[2Jb"))
	if !strings.Contains(got, `a\x1b[2Jb`) {
		t.Errorf("bold text = %q, want the escape shown as \\x1b", got)
	}
}

func TestHostileValuesCheckMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, hostileReport(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	checkMarkdownSafe(t, buf.String())
}

func TestHostileValuesCheckJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, hostileReport()); err != nil {
		t.Fatal(err)
	}
	checkJSONRoundTrip(t, buf.Bytes())
}

func TestHostileValuesExplainText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExplainText(&buf, hostileExplainReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	checkTerminalSafe(t, buf.String())
	if !strings.Contains(buf.String(), "denied: ") {
		t.Errorf("explain text has no denied: line:\n%s", buf.String())
	}
}

func TestHostileValuesExplainMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExplainMarkdown(&buf, hostileExplainReport(), ExplainMarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	checkMarkdownSafe(t, buf.String())
}

func TestHostileValuesExplainJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteExplainJSON(&buf, hostileExplainReport()); err != nil {
		t.Fatal(err)
	}
	checkJSONRoundTrip(t, buf.Bytes())
}

// checkJSONRoundTrip checks that JSON keeps hostile values exactly, because
// a JSON string escapes control characters itself.
func checkJSONRoundTrip(t *testing.T, data []byte) {
	t.Helper()
	if bytes.ContainsAny(data, "\x1b\x07\r") {
		t.Error("JSON contains a raw control character")
	}
	var decoded any
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if !strings.Contains(string(data), `\u001b[2J`) {
		t.Error("JSON does not keep the escape character as \\u001b")
	}
}

func TestFprintfEscapesStrings(t *testing.T) {
	var buf bytes.Buffer
	type name string
	if _, err := Fprintf(&buf, "%s|%v|%d|%s", "a\x1bb", name("c\nd"), 7, styled("\x1b[1mok")); err != nil {
		t.Fatal(err)
	}
	want := `a\x1bb|c\x0ad|7|` + "\x1b[1mok"
	if buf.String() != want {
		t.Errorf("Fprintf = %q, want %q", buf.String(), want)
	}
}

func TestMarkdownText(t *testing.T) {
	got := markdownText("<b>&`x`\\\n")
	want := "&lt;b&gt;&amp;\\`x\\`\\\\\\\\x0a"
	if got != want {
		t.Errorf("markdownText = %q, want %q", got, want)
	}
}
