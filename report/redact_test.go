package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/socket"
)

func TestMarkdownEscapesPresetText(t *testing.T) {
	r := dockerReport()
	r.Preset = &socket.Preset{Name: "colima", Software: "Colima <x>", Note: "The socket is ~/.colima/<profile>/docker.sock."}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<profile>") || strings.Contains(out, "<x>") {
		t.Errorf("Markdown keeps an HTML tag from the preset:\n%s", out)
	}
	if want := `\~/.colima/&lt;profile&gt;/docker.sock`; !strings.Contains(out, want) {
		t.Errorf("Markdown lacks the escaped preset note %q:\n%s", want, out)
	}
}

func TestMarkdownRedactionEscapesTilde(t *testing.T) {
	// Two single tildes in one paragraph make strikethrough on GitHub, so
	// the "~" that redaction puts in Markdown text must be escaped.
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, dockerReport(), MarkdownOptions{Redact: true, Home: goldenHome, User: goldenUser}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, "`") || !strings.Contains(line, "~") {
			continue
		}
		if strings.Contains(strings.ReplaceAll(line, `\~`, ""), "~") {
			t.Errorf("Markdown text has an unescaped tilde: %q", line)
		}
	}
}

func TestWriteTargetMarkdownRedacts(t *testing.T) {
	var buf bytes.Buffer
	opts := ExplainMarkdownOptions{Redact: true, Users: []UserHome{{Home: goldenHome, User: goldenUser}}}
	if err := WriteTargetMarkdown(&buf, dockerReport().Target, opts); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "alice") {
		t.Errorf("redacted app table contains the user name:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "`~/Build/MyApp.app`") {
		t.Errorf("redacted app table lacks the app path ~/Build/MyApp.app:\n%s", buf.String())
	}
}

func TestExplainMarkdownRedactsOtherHomes(t *testing.T) {
	// The log may name a home folder of another account, and a user name
	// with "_" is escaped in Markdown text.
	d := Denial{
		Process: "tool", PID: 7, Operation: "network-outbound", Target: "/Users/j_doe/s.sock", Format: "kernel", Line: 1,
		Raw:       "Sandbox: tool(7) deny(1) network-outbound /Users/j_doe/s.sock",
		Count:     1,
		Backtrace: []string{"0 libfoo.dylib /Users/bob_smith/lib/libfoo.dylib"},
		Kind:      DenialOther, Meaning: "started by j_doe in /Users/bob_smith/bin", Findings: []checks.Finding{},
	}
	r := NewExplainReport("test", dockerReport().Target, []Denial{d}, LogStats{Lines: 1, Events: 1})
	opts := ExplainMarkdownOptions{Redact: true, Users: []UserHome{{Home: "/Users/j_doe", User: "j_doe"}}}
	var buf bytes.Buffer
	if err := WriteExplainMarkdown(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, leak := range []string{"doe", "bob", "alice"} {
		if strings.Contains(out, leak) {
			t.Errorf("redacted explain Markdown contains %q:\n%s", leak, out)
		}
	}
}

func TestRedactHomesCaseAndSlashes(t *testing.T) {
	tests := map[string]string{
		"/users/dave/x.sock":      "~/x.sock",
		"/USERS/gina/x.sock":      "~/x.sock",
		"/Users//bob/x.sock":      "~/x.sock",
		"/users/Shared/x.sock":    "/users/Shared/x.sock",
		"in /Users/Shared/s.sock": "in /Users/Shared/s.sock",
		"/tmp/m/Users/eve/x.sock": "~/x.sock",
	}
	for in, want := range tests {
		if got := RedactHomes(in, nil, ""); got != want {
			t.Errorf("RedactHomes(%q) = %q, want %q", in, got, want)
		}
	}
}
