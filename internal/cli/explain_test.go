package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusLogs is the folder of real denial lines in the corpus at
// ../shared/corpus relative to the module root; tests skip where it is
// absent.
var corpusLogs = filepath.Join("..", "..", "..", "shared", "corpus", "logs")

// runExplainMain runs "sockdoctor explain args..." in-process.
func runExplainMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := &IO{In: bytes.NewReader(nil), Out: &out, Err: &errOut, Getenv: func(string) string { return "" }}
	code = Main(append([]string{"explain"}, args...), streams)
	return code, out.String(), errOut.String()
}

// corpusFile returns the path of a corpus log, or skips the test where the
// corpus is absent.
func corpusFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(corpusLogs, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus file %s is absent", path)
	}
	return path
}

func TestExplainCorpusDenials(t *testing.T) {
	code, out, errOut := runExplainMain(t, corpusFile(t, "sandbox-denials.txt"))
	if code != ExitFindings {
		t.Errorf("exit code = %d, want %d", code, ExitFindings)
	}
	if errOut != "" {
		t.Errorf("stderr = %q, want nothing", errOut)
	}
	for _, want := range []string{
		`(?m)^15 distinct denials from 15 log entries in 17 lines\.$`,
		`(?m)^Denial 1: curl\(22299\) network-outbound /Users/user/\.docker/run/docker\.sock$`,
		`(?m)^Denial 13: ssh\(68324\) network-outbound /Users/user/Library/Group Containers/2BUA8C4S2C\.com\.1password/t/agent\.sock$`,
		`(?m)^Sandbox: DENIED \(group-not-claimed\)$`,
		`(?m)^Sandbox: DENIED \(system-socket-entitlement\)$`,
		`(?m)^Sandbox: DENIED \(outside-sandbox-reach\)$`,
		`(?m)^  mach-lookup: looking up a Mach or XPC service by name$`,
		`(?m)^  network-bind to the IP endpoint 0\.0\.0\.0:7890 needs com\.apple\.security\.network\.server`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %s", want)
		}
	}
	if regexp.MustCompile(`Skipped`).MatchString(out) {
		t.Errorf("some corpus lines were skipped:\n%s", out)
	}
}

func TestExplainCorpusViolationReport(t *testing.T) {
	code, out, _ := runExplainMain(t, corpusFile(t, "violation-report.txt"))
	if code != ExitFindings {
		t.Errorf("exit code = %d, want %d", code, ExitFindings)
	}
	if n := len(regexp.MustCompile(`(?m)^Denial `).FindAllString(out, -1)); n != 1 {
		t.Errorf("%d denials, want the kernel line and its report as one", n)
	}
	for _, want := range []string{
		`(?m)^  identifier: com\.example\.SampleApp$`,
		`(?m)^  frame 0: libsystem_kernel\.dylib __connect_nocancel \+ 8$`,
		`(?m)^1 distinct denial from 1 log entry in 15 lines\.$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %s", want)
		}
	}
}

func TestExplainTerminalInputPrompt(t *testing.T) {
	const prompt = "sockdoctor: reading log lines from standard input (end with Ctrl-D)\n"
	line := "Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock\n"
	tests := []struct {
		name     string
		args     []string
		terminal bool
		want     string
	}{
		{name: "terminal without arguments", terminal: true, want: prompt},
		{name: "terminal with dash", args: []string{"-"}, terminal: true},
		{name: "pipe without arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			streams := &IO{In: strings.NewReader(line), InIsTerminal: tt.terminal, Out: &out, Err: &errOut, Getenv: func(string) string { return "" }}
			code := Main(append([]string{"explain"}, tt.args...), streams)
			if code != ExitFindings {
				t.Errorf("exit code = %d, want %d", code, ExitFindings)
			}
			if errOut.String() != tt.want {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.want)
			}
			if !strings.Contains(out.String(), "outside-sandbox-reach") {
				t.Errorf("stdout lacks the diagnosis:\n%s", out.String())
			}
		})
	}
}
