package sandboxlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusLogs is the folder of real denial lines in the corpus at
// ../shared/corpus relative to the module root; tests skip where it is
// absent.
var corpusLogs = filepath.Join("..", "..", "shared", "corpus", "logs")

// openCorpus opens a corpus file or skips the test where it is absent.
func openCorpus(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusLogs, name))
	if os.IsNotExist(err) {
		t.Skipf("corpus file %s is absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestCorpusDenialLines(t *testing.T) {
	f := openCorpus(t, "sandbox-denials.txt")
	wants := []want{
		{process: "curl", pid: 22299, operation: "network-outbound", target: "/Users/user/.docker/run/docker.sock", format: FormatKernel},
		{process: "SampleApp", pid: 12447, operation: "network-outbound", target: "/private/var/run/mDNSResponder", format: FormatKernel},
		{process: "nc", pid: 46726, operation: "network-outbound", target: "/private/var/run/mDNSResponder", format: FormatKernel},
		{process: "curl", pid: 75886, operation: "file-read-data", target: "/Library/Preferences/com.apple.networkd.plist", format: FormatKernel},
		{process: "curl", pid: 75886, operation: "user-preference-read", target: "kCFPreferencesAnyApplication", format: FormatKernel},
		{process: "llama-server", pid: 4242, operation: "network-bind", target: "local:*:8080", time: "2026-10-01 11:26:44.249", format: FormatLogCompact},
		{process: "llama-server", pid: 4242, operation: "file-write-create", target: "/Users/user/x", time: "2026-10-01 11:26:44.251", format: FormatLogCompact},
		{process: "zsh", pid: 42889, operation: "file-write-unlink", target: "/private/tmp/ws/report.txt", format: FormatKernel},
		{process: "searchpartyd", pid: 159, operation: "network-bind", target: "local:*:55330", format: FormatKernel},
		{process: "sh", pid: 49331, operation: "file-write-data", target: "/dev/dtracehelper", format: FormatKernel},
		{process: "sandboxd", pid: 7944, operation: "mach-lookup", target: "com.apple.coresymbolicationd", format: FormatSyslog},
		{process: "nc", pid: 45437, operation: "network-bind", target: "0.0.0.0:7890", format: FormatSyslog},
		{process: "ssh", pid: 68324, operation: "network-outbound", target: "/Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", format: FormatSyslog},
		{process: "QuickSample", pid: 2132, operation: "network-bind", target: "/private/var/folders/xy/abcdef1234567890/T/com.electron.quicksample/S/SingletonSocket", format: FormatKernel},
		// dnssd names no process: the log framing would, and this line has none.
		{operation: "network-outbound", target: "/var/run/mDNSResponder", errno: EPERM, format: FormatLibrary},
	}

	s := NewScanner(f, Options{})
	var events []Event
	for s.Scan() {
		events = append(events, s.Event())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if len(events) != len(wants) {
		t.Fatalf("got %d events, want %d", len(events), len(wants))
	}
	for i, w := range wants {
		t.Run(events[i].Raw, func(t *testing.T) {
			checkEvent(t, events[i], w)
		})
	}
	if st := s.Stats(); st.Unknown != 0 || st.Other != 0 {
		t.Errorf("Unknown = %d, Other = %d; want every line but the comments read", st.Unknown, st.Other)
	}
}

func TestCorpusEveryLineParsesAlone(t *testing.T) {
	f := openCorpus(t, "sandbox-denials.txt")
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if _, ok := ParseLine(line); !ok {
			t.Errorf("ParseLine(%q) found no event", line)
		}
	}
}

func TestCorpusViolationReport(t *testing.T) {
	f := openCorpus(t, "violation-report.txt")
	s := NewScanner(f, Options{})
	var events []Event
	for s.Scan() {
		events = append(events, s.Event())
	}
	if len(events) != 1 {
		t.Fatalf("got %d events, want the kernel line and its report as one", len(events))
	}
	ev := events[0]
	checkEvent(t, ev, want{process: "SampleApp", pid: 12447, operation: "network-outbound", target: "/private/var/run/mDNSResponder", format: FormatViolationReport})
	if ev.Identifier != "com.example.SampleApp" {
		t.Errorf("Identifier = %q, want com.example.SampleApp", ev.Identifier)
	}
	if !strings.HasSuffix(ev.ExecutablePath, "SampleApp.app/Contents/MacOS/SampleApp") {
		t.Errorf("ExecutablePath = %q", ev.ExecutablePath)
	}
	if !strings.HasSuffix(ev.Responsible, "SampleApp.app/Contents/MacOS/SampleApp") {
		t.Errorf("Responsible = %q", ev.Responsible)
	}
	if len(ev.Backtrace) != 2 || ev.Backtrace[0] != "libsystem_kernel.dylib __connect_nocancel + 8" {
		t.Errorf("Backtrace = %q, want the two frames starting with __connect_nocancel", ev.Backtrace)
	}
	if st := s.Stats(); st.Unknown != 0 {
		t.Errorf("Unknown = %d, want 0", st.Unknown)
	}
}
