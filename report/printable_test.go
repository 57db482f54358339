package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// bidiText holds a right-to-left override, an isolate and its end, and a
// zero-width joiner, which can make a terminal show "kcos.x" as "x.sock".
const bidiText = "/tmp/\u202ekcos.x\u2066a\u2069\u200d"

func bidiReport() *Report {
	target := &entitlements.Target{
		Path: "/Apps/MyApp.app", Kind: entitlements.KindApp, BundleID: "com.example.MyApp",
		Signature: entitlements.SignatureDeveloperID, Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true},
	}
	info := &socket.Info{
		Path: bidiText, ResolvedPath: "/private" + bidiText, PathBytes: len(bidiText) + 8, GivenPathBytes: len(bidiText),
		Location: socket.LocationTmp, LocationDetail: "in " + bidiText,
		Exists: true, Type: "socket", Mode: "srwxr-xr-x", Owner: bidiText,
		Dial: socket.Dial{Result: socket.DialRefused, Errno: "ECONNREFUSED", Error: bidiText},
	}
	dist := checks.DistributionDeveloperID
	d := checks.Diagnose(checks.Input{Target: target, Socket: info, Distribution: dist, Home: "/Users/user"})
	return New("test", NewTarget(target, dist), info, d)
}

// checkNoFormatCharacters fails on any Unicode format character, and
// expects the override to show as its escape.
func checkNoFormatCharacters(t *testing.T, out string) {
	t.Helper()
	for _, r := range out {
		if unicode.Is(unicode.Cf, r) {
			t.Errorf("output contains format character %U", r)
		}
	}
	if !strings.Contains(out, `\u202e`) {
		t.Errorf("output does not show U+202E as \\u202e:\n%s", out)
	}
}

func TestBidiEscapedInText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, bidiReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	checkNoFormatCharacters(t, buf.String())
}

func TestBidiEscapedInMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, bidiReport(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	checkNoFormatCharacters(t, buf.String())
}

func TestEscapeText(t *testing.T) {
	tests := map[string]string{
		"plain/path.sock":  "plain/path.sock",
		"tab\tkept":        "tab\tkept",
		"esc\x1b[2J":       `esc\x1b[2J`,
		"rlo\u202eend":     `rlo\u202eend`,
		"lri\u2066x\u2069": `lri\u2066x\u2069`,
		"bad\xffbyte":      "bad\uFFFDbyte",
		"nel\u0085":        `nel\x85`,
	}
	for in, want := range tests {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDialNoteFollowsResult(t *testing.T) {
	r := bidiReport()
	var buf bytes.Buffer
	if err := WriteText(&buf, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "proves that a server listens") {
		t.Errorf("a refused test connect is followed by the note for a connected one:\n%s", buf.String())
	}

	r.Socket.Dial = socket.Dial{Result: socket.DialConnected}
	buf.Reset()
	if err := WriteText(&buf, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "proves that a server listens") {
		t.Errorf("a connected test connect lacks its note:\n%s", buf.String())
	}
}

func TestPrintableEscapesBidi(t *testing.T) {
	if got, want := Printable("curl\u202ekcos.x"), `curl\u202ekcos.x`; got != want {
		t.Errorf("Printable = %q, want %q", got, want)
	}
}

func TestMarkdownTextEscapesEmphasisAndLinks(t *testing.T) {
	got := markdownText("~/my*dir*/[x](http:evil)_a_.sock")
	want := `\~/my\*dir\*/\[x\](http:evil)\_a\_.sock`
	if got != want {
		t.Errorf("markdownText = %q, want %q", got, want)
	}
}

func TestRedactFindsEscapedHome(t *testing.T) {
	// "_" is escaped in Markdown text, so a home folder or user name that
	// contains one must be redacted before it is escaped.
	home, user := "/Users/j_doe", "j_doe"
	f := checks.Finding{Rule: "x", Title: "socket in " + home + "/.docker/run owned by " + user, Message: "in " + home}
	var buf bytes.Buffer
	if err := WriteFindingsMarkdown(&buf, []checks.Finding{f}, "###", MarkdownOptions{Redact: true, Home: home, User: user}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if strings.Contains(got, "doe") {
		t.Errorf("redacted Markdown contains the home folder or user name: %q", got)
	}
	if want := `socket in \~/.docker/run owned by user`; !strings.Contains(got, want) {
		t.Errorf("redacted Markdown = %q, want it to contain %q", got, want)
	}
}
