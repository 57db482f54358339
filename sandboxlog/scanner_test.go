package sandboxlog

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// scanAll reads every event of input.
func scanAll(t *testing.T, input string) ([]Event, Stats) {
	t.Helper()
	s := NewScanner(strings.NewReader(input), Options{})
	var events []Event
	for s.Scan() {
		events = append(events, s.Event())
	}
	if err := s.Err(); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return events, s.Stats()
}

// want is the part of an event a parse test compares.
type want struct {
	process   string
	pid       int
	operation string
	target    string
	errno     int
	time      string
	format    Format
}

func checkEvent(t *testing.T, got Event, w want) {
	t.Helper()
	if got.Process != w.process {
		t.Errorf("Process = %q, want %q", got.Process, w.process)
	}
	if got.PID != w.pid {
		t.Errorf("PID = %d, want %d", got.PID, w.pid)
	}
	if got.Operation != w.operation {
		t.Errorf("Operation = %q, want %q", got.Operation, w.operation)
	}
	if got.Target != w.target {
		t.Errorf("Target = %q, want %q", got.Target, w.target)
	}
	if got.Errno != w.errno {
		t.Errorf("Errno = %d, want %d", got.Errno, w.errno)
	}
	if got.Time != w.time {
		t.Errorf("Time = %q, want %q", got.Time, w.time)
	}
	if got.Format != w.format {
		t.Errorf("Format = %q, want %q", got.Format, w.format)
	}
}

func TestParseLineFormats(t *testing.T) {
	tests := []struct {
		name string
		line string
		want want
	}{
		{
			name: "kernel line",
			line: "Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock",
			want: want{process: "curl", pid: 22299, operation: "network-outbound", target: "/Users/user/.docker/run/docker.sock", format: FormatKernel},
		},
		{
			name: "kernel line without deny count",
			line: "Sandbox: curl(123) deny network-outbound /private/tmp/mysql.sock",
			want: want{process: "curl", pid: 123, operation: "network-outbound", target: "/private/tmp/mysql.sock", format: FormatKernelLegacy},
		},
		{
			name: "deny count other than one",
			line: "Sandbox: curl(123) deny(37) network-outbound /private/tmp/mysql.sock",
			want: want{process: "curl", pid: 123, operation: "network-outbound", target: "/private/tmp/mysql.sock", format: FormatKernel},
		},
		{
			name: "truncated process name with spaces",
			line: "Sandbox: Google Chrome He(4321) deny(1) network-outbound /private/tmp/chrome.sock",
			want: want{process: "Google Chrome He", pid: 4321, operation: "network-outbound", target: "/private/tmp/chrome.sock", format: FormatKernel},
		},
		{
			name: "process name with parentheses",
			line: "Sandbox: Helper (Plugin)(77) deny(1) network-bind /private/tmp/p.sock",
			want: want{process: "Helper (Plugin)", pid: 77, operation: "network-bind", target: "/private/tmp/p.sock", format: FormatKernel},
		},
		{
			name: "path with spaces",
			line: "Sandbox: ssh(68324) deny(1) network-outbound /Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock",
			want: want{process: "ssh", pid: 68324, operation: "network-outbound", target: "/Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", format: FormatKernel},
		},
		{
			name: "operation without target",
			line: "Sandbox: MyHelper(2231) deny(1) forbidden-sandbox-reinit",
			want: want{process: "MyHelper", pid: 2231, operation: "forbidden-sandbox-reinit", format: FormatKernel},
		},
		{
			name: "carriage return and trailing space",
			line: "Sandbox: nc(5) deny(1) network-outbound /private/tmp/a b.sock \r",
			want: want{process: "nc", pid: 5, operation: "network-outbound", target: "/private/tmp/a b.sock", format: FormatKernel},
		},
		{
			name: "non-UTF-8 bytes",
			line: "Sandbox: caf\xe9(12) deny(1) network-outbound /Users/user/Library/Group Containers/ABCDE12345.grp/\xff\xfe.sock",
			want: want{process: "caf\xe9", pid: 12, operation: "network-outbound", target: "/Users/user/Library/Group Containers/ABCDE12345.grp/\xff\xfe.sock", format: FormatKernel},
		},
		{
			name: "compact log show",
			line: "2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) Sandbox: llama-server(4242) deny(1) network-bind local:*:8080",
			want: want{process: "llama-server", pid: 4242, operation: "network-bind", target: "local:*:8080", time: "2026-10-01 11:26:44.249", format: FormatLogCompact},
		},
		{
			name: "compact log stream with subsystem",
			line: "2026-10-01 11:26:44.249 Df kernel[0:d31a6f5] [com.apple.sandbox.reporting:violation] Sandbox: curl(9) deny(1) network-outbound /private/tmp/x.sock",
			want: want{process: "curl", pid: 9, operation: "network-outbound", target: "/private/tmp/x.sock", time: "2026-10-01 11:26:44.249", format: FormatLogCompact},
		},
		{
			name: "default log show",
			line: "2026-10-01 11:26:44.249142-0700 0x1a2b3    Error       0x0                  0      0    kernel: (Sandbox) Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock",
			want: want{process: "curl", pid: 22299, operation: "network-outbound", target: "/Users/user/.docker/run/docker.sock", time: "2026-10-01 11:26:44.249142-0700", format: FormatLogDefault},
		},
		{
			name: "syslog kernel with date and host",
			line: "Oct  1 11:26:44 MacBook-Pro kernel[0]: Sandbox: curl(123) deny network-outbound /private/tmp/mysql.sock",
			want: want{process: "curl", pid: 123, operation: "network-outbound", target: "/private/tmp/mysql.sock", time: "Oct  1 11:26:44", format: FormatSyslog},
		},
		{
			name: "sandboxd with denied pid",
			line: "Oct 12 09:01:02 mac sandboxd[120] ([456]): ssh(456) deny network-outbound /Users/user/.ssh/agent.sock",
			want: want{process: "ssh", pid: 456, operation: "network-outbound", target: "/Users/user/.ssh/agent.sock", time: "Oct 12 09:01:02", format: FormatSyslog},
		},
		{
			name: "kernel tag with sender",
			line: "kernel: (Sandbox) Sandbox: ssh(68324) deny(1) network-outbound /private/tmp/s",
			want: want{process: "ssh", pid: 68324, operation: "network-outbound", target: "/private/tmp/s", format: FormatSyslog},
		},
		{
			name: "dnssd errno",
			line: "dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted",
			want: want{operation: "network-outbound", target: "/var/run/mDNSResponder", errno: EPERM, format: FormatLibrary},
		},
		{
			name: "dnssd in compact log",
			line: "2026-10-01 11:26:44.249 Df SampleApp[12447:1a2b] (libsystem_dnssd.dylib) dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted",
			want: want{process: "SampleApp", pid: 12447, operation: "network-outbound", target: "/var/run/mDNSResponder", errno: EPERM, time: "2026-10-01 11:26:44.249", format: FormatLogCompact},
		},
		{
			name: "dnssd in default log",
			line: "2026-10-01 11:26:44.249142-0700 0x1a2b3    Default     0x0                  12447  0    Sample App: (libsystem_dnssd.dylib) dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted",
			want: want{process: "Sample App", pid: 12447, operation: "network-outbound", target: "/var/run/mDNSResponder", errno: EPERM, time: "2026-10-01 11:26:44.249142-0700", format: FormatLogDefault},
		},
		{
			name: "mysql errno",
			line: "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/tmp/mysql.sock' (1)",
			want: want{operation: "network-outbound", target: "/tmp/mysql.sock", errno: EPERM, format: FormatLibrary},
		},
		{
			name: "mysql missing socket",
			line: "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/Applications/MAMP/tmp/mysql/my sql.sock' (2)",
			want: want{operation: "network-outbound", target: "/Applications/MAMP/tmp/mysql/my sql.sock", errno: ENOENT, format: FormatLibrary},
		},
		{
			name: "go dial error",
			line: `permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: operation not permitted`,
			want: want{operation: "network-outbound", target: "/var/run/docker.sock", errno: EPERM, format: FormatLibrary},
		},
		{
			name: "go dial refused",
			line: "dial unix /private/tmp/app.sock: connect: connection refused",
			want: want{operation: "network-outbound", target: "/private/tmp/app.sock", errno: ECONNREFUSED, format: FormatLibrary},
		},
		{
			name: "chromium path too long",
			line: "[4821:259:1004/112644.249142:ERROR:process_singleton_posix.cc(363)] Socket path too long: /Users/somebody/Library/Application Support/Example Editor Helper App/Profiles/Default/SingletonSocket",
			want: want{operation: "network-outbound", target: "/Users/somebody/Library/Application Support/Example Editor Helper App/Profiles/Default/SingletonSocket", errno: ENAMETOOLONG, format: FormatLibrary},
		},
		{
			name: "chromium path too long, new form",
			line: "[4821:259:1004/112644.249142:ERROR:chrome/browser/process_singleton_posix.cc:363] Socket path too long: /Users/me/x/SingletonSocket",
			want: want{operation: "network-outbound", target: "/Users/me/x/SingletonSocket", errno: ENAMETOOLONG, format: FormatLibrary},
		},
		{
			name: "quoted path too long",
			line: `QLocalServer listen failed: socket path too long: "/Users/me/Library/Containers/com.example.app/Data/tmp/kdsingleapp.sock"`,
			want: want{operation: "network-outbound", target: "/Users/me/Library/Containers/com.example.app/Data/tmp/kdsingleapp.sock", errno: ENAMETOOLONG, format: FormatLibrary},
		},
		{
			name: "ssh path too long",
			line: `unix_listener: path "/Users/me/.ssh/cm-me@build.example.com:22.AbCdEfGhIjKlMnOp" too long for Unix domain socket`,
			want: want{operation: "network-bind", target: "/Users/me/.ssh/cm-me@build.example.com:22.AbCdEfGhIjKlMnOp", errno: ENAMETOOLONG, format: FormatLibrary},
		},
		{
			name: "ssh bind denied",
			line: "unix_listener: cannot bind to path /Users/me/.ssh/cm-me@host:22: Operation not permitted",
			want: want{operation: "network-bind", target: "/Users/me/.ssh/cm-me@host:22", errno: EPERM, format: FormatLibrary},
		},
		{
			name: "ssh bind in use",
			line: "unix_listener: cannot bind to path /tmp/podman.sock: Address already in use",
			want: want{operation: "network-bind", target: "/tmp/podman.sock", errno: EADDRINUSE, format: FormatLibrary},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, ok := ParseLine(tt.line)
			if !ok {
				t.Fatalf("ParseLine(%q) found no event", tt.line)
			}
			checkEvent(t, ev, tt.want)
			if ev.Raw != tt.line {
				t.Errorf("Raw = %q, want the whole line", ev.Raw)
			}
		})
	}
}

func TestParseLineRejects(t *testing.T) {
	for _, line := range []string{
		"",
		"hello world",
		"Sandbox: curl deny(1) network-outbound /x",     // no pid
		"Sandbox: curl(12) deny(1)",                     // no operation
		"Sandbox: curl(12) deny(x) network-outbound /x", // deny count not a number
		"Sandbox: curl(12)denied network-outbound /x",
		"2026-10-01 11:26:44.249 Df SampleApp[12447:1a2b] (Foundation) an ordinary message",
		"connect() failed path:/var/run/mDNSResponder Errno:x",
		"socket_init: socket path too long for buffer",     // no path
		"Socket path too long: relative/SingletonSocket",   // not absolute
		"unix_listener: cannot bind to path /tmp/a.sock",   // no error text
		"unix_listener: cannot bind to path /tmp/a: Bogus", // unknown error text
		`unix_listener: path "~/.ssh/cm" too long for Unix domain socket`,
		"through socket '/tmp/mysql.sock'",
		"dial unix /tmp/a.sock: connect: some new error",
	} {
		if ev, ok := ParseLine(line); ok {
			t.Errorf("ParseLine(%q) = %+v, want no event", line, ev)
		}
	}
}

func TestProcessMayBeTruncated(t *testing.T) {
	for name, want := range map[string]bool{
		"Google Chrome He":  true,
		"curl":              false,
		"Google Chrome Hel": false, // longer than the kernel keeps: not a kernel name
	} {
		ev := Event{Process: name}
		if got := ev.ProcessMayBeTruncated(); got != want {
			t.Errorf("ProcessMayBeTruncated(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestScannerCountsLines(t *testing.T) {
	input := strings.Join([]string{
		"Filtering the log data using \"sender == \\\"Sandbox\\\"\"",
		"Timestamp               Ty Process[PID:TID]",
		"2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) Sandbox: curl(1) deny(1) network-outbound /private/tmp/a",
		"2026-10-01 11:26:44.250 Df Finder[300:1a2b] (Foundation) an ordinary message",
		"",
		"something else entirely",
		"# a comment",
	}, "\n")
	events, stats := scanAll(t, input)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	if events[0].Line != 3 {
		t.Errorf("Line = %d, want 3", events[0].Line)
	}
	if stats.Lines != 7 {
		t.Errorf("Lines = %d, want 7", stats.Lines)
	}
	if stats.Events != 1 {
		t.Errorf("Events = %d, want 1", stats.Events)
	}
	if stats.Other != 1 {
		t.Errorf("Other = %d, want 1", stats.Other)
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1", stats.Unknown)
	}
}

func TestScannerOversizedLine(t *testing.T) {
	input := "Sandbox: a(1) deny(1) network-outbound /" + strings.Repeat("x", MaxLineBytes+10) + "\n" +
		"Sandbox: b(2) deny(1) network-outbound /private/tmp/b\n"
	events, stats := scanAll(t, input)
	if len(events) != 1 || events[0].Process != "b" {
		t.Fatalf("got %d events, want only b's", len(events))
	}
	if events[0].Line != 2 {
		t.Errorf("Line = %d, want 2", events[0].Line)
	}
	if stats.Oversized != 1 {
		t.Errorf("Oversized = %d, want 1", stats.Oversized)
	}
}

func TestScannerLongLineUnderLimit(t *testing.T) {
	target := "/" + strings.Repeat("y", 3*readBufferBytes)
	events, _ := scanAll(t, "Sandbox: a(1) deny(1) network-outbound "+target)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	if events[0].Target != target {
		t.Errorf("Target has %d bytes, want %d", len(events[0].Target), len(target))
	}
}

const violationReport = `Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder
Violation:       deny(1) network-outbound /private/var/run/mDNSResponder
Process:         SampleApp [12447]
Path:            /Applications/SampleApp.app/Contents/MacOS/SampleApp
Identifier:      com.example.SampleApp
Version:         1 (1.0)
Parent Process:  launchd [1]
Responsible:     /Applications/SampleApp.app/Contents/MacOS/SampleApp
User ID:         501

Thread 0 (id: 551548):
0   libsystem_kernel.dylib        	0x000000018b5f1234 __connect_nocancel + 8
1   libsystem_dnssd.dylib         	0x000000018b7a5678 DNSServiceCreateConnection + 112
2   a                             	0x0000000100000001 f2 + 1
3   b                             	0x0000000100000002 f3 + 1
4   c                             	0x0000000100000003 f4 + 1
5   d                             	0x0000000100000004 f5 + 1

Thread 1:
0   libsystem_kernel.dylib        	0x000000018b5f0000 __workq_kernreturn + 8

Binary Images:
       0x1008f4000 -        0x1008fbfff  SampleApp arm64  <1234> /Applications/SampleApp.app/Contents/MacOS/SampleApp
`

func TestScannerViolationReport(t *testing.T) {
	input := violationReport + "Sandbox: nc(2) deny(1) network-outbound /private/tmp/next.sock\n"
	events, stats := scanAll(t, input)
	if len(events) != 2 {
		t.Fatalf("got %d events, want the report and the next line: %+v", len(events), events)
	}

	ev := events[0]
	checkEvent(t, ev, want{process: "SampleApp", pid: 12447, operation: "network-outbound", target: "/private/var/run/mDNSResponder", format: FormatViolationReport})
	if ev.Identifier != "com.example.SampleApp" {
		t.Errorf("Identifier = %q", ev.Identifier)
	}
	if ev.ExecutablePath != "/Applications/SampleApp.app/Contents/MacOS/SampleApp" {
		t.Errorf("ExecutablePath = %q", ev.ExecutablePath)
	}
	if ev.Responsible != "/Applications/SampleApp.app/Contents/MacOS/SampleApp" {
		t.Errorf("Responsible = %q", ev.Responsible)
	}

	wantFrames := []string{
		"libsystem_kernel.dylib __connect_nocancel + 8",
		"libsystem_dnssd.dylib DNSServiceCreateConnection + 112",
		"a f2 + 1", "b f3 + 1", "c f4 + 1",
	}
	if strings.Join(ev.Backtrace, "|") != strings.Join(wantFrames, "|") {
		t.Errorf("Backtrace = %q, want %q", ev.Backtrace, wantFrames)
	}
	if ev.Line != 1 {
		t.Errorf("Line = %d, want 1", ev.Line)
	}

	if events[1].Process != "nc" {
		t.Errorf("second event Process = %q, want nc", events[1].Process)
	}
	if stats.Unknown != 0 {
		t.Errorf("Unknown = %d, want 0", stats.Unknown)
	}
}

func TestScannerReportWithoutKernelLine(t *testing.T) {
	input := "\n" + strings.SplitN(violationReport, "\n", 2)[1]
	events, _ := scanAll(t, input)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	checkEvent(t, events[0], want{process: "SampleApp", pid: 12447, operation: "network-outbound", target: "/private/var/run/mDNSResponder", format: FormatViolationReport})
	if events[0].Line != 2 {
		t.Errorf("Line = %d, want 2", events[0].Line)
	}
}

func TestScannerKernelLineThenOtherReport(t *testing.T) {
	input := "Sandbox: curl(1) deny(1) network-outbound /private/tmp/a\n" +
		"Violation:       deny(1) network-outbound /private/tmp/b\n" +
		"Process:         curl [1]\n"
	events, _ := scanAll(t, input)
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2 (the report is about another target)", len(events))
	}
	if events[0].Format != FormatKernel || events[1].Format != FormatViolationReport {
		t.Errorf("formats = %q, %q", events[0].Format, events[1].Format)
	}
}

func TestScannerNDJSON(t *testing.T) {
	input := `{"traceID":1,"eventMessage":"Sandbox: curl(22299) deny(1) network-outbound \/Users\/user\/.docker\/run\/docker.sock","processImagePath":"\/kernel","processID":0,"timestamp":"2026-10-01 11:26:44.249142-0700","backtrace":{"frames":[{"imageOffset":1}]}}
{"traceID":2,"eventMessage":"dnssd_clientstub ConnectToServer: connect() failed path:\/var\/run\/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted","processImagePath":"\/Applications\/Sample App.app\/Contents\/MacOS\/Sample App","processID":12447,"timestamp":"2026-10-01 11:26:45.000000-0700"}
{"traceID":3,"eventMessage":"an ordinary message","processImagePath":"\/usr\/libexec\/x","processID":3}
{"traceID":4,"eventMessage":"Sandbox: a\ufffd(5) deny(1) network-outbound \/private\/tmp\/a } { b","processID":0}
`
	events, stats := scanAll(t, input)
	if len(events) != 3 {
		t.Fatalf("got %d events, want 3: %+v", len(events), events)
	}
	checkEvent(t, events[0], want{process: "curl", pid: 22299, operation: "network-outbound", target: "/Users/user/.docker/run/docker.sock", time: "2026-10-01 11:26:44.249142-0700", format: FormatNDJSON})
	checkEvent(t, events[1], want{process: "Sample App", pid: 12447, operation: "network-outbound", target: "/var/run/mDNSResponder", errno: EPERM, time: "2026-10-01 11:26:45.000000-0700", format: FormatNDJSON})
	checkEvent(t, events[2], want{process: "a\ufffd", pid: 5, operation: "network-outbound", target: "/private/tmp/a } { b", format: FormatNDJSON})
	if events[1].Line != 2 || events[2].Line != 4 {
		t.Errorf("Lines = %d, %d, want 2, 4", events[1].Line, events[2].Line)
	}
	if stats.Other != 1 {
		t.Errorf("Other = %d, want 1", stats.Other)
	}
}

func TestScannerJSONArray(t *testing.T) {
	input := `[{
  "traceID" : 1,
  "eventMessage" : "Sandbox: ssh(68324) deny(1) network-outbound \/Users\/user\/Library\/Group Containers\/2BUA8C4S2C.com.1password\/t\/agent.sock",
  "processImagePath" : "\/kernel",
  "processID" : 0,
  "timestamp" : "2026-10-01 11:26:44.249142-0700",
  "backtrace" : {
    "frames" : [
      { "imageOffset" : 1 }
    ]
  }
},{
  "traceID" : 2,
  "eventMessage" : "Sandbox: SampleApp(12447) deny(1) network-outbound \/private\/var\/run\/mDNSResponder\nViolation:       deny(1) network-outbound \/private\/var\/run\/mDNSResponder\nProcess:         SampleApp [12447]\nIdentifier:      com.example.SampleApp\n\nThread 0:\n0   libsystem_kernel.dylib  0x000000018b5f1234 __connect_nocancel + 8\n",
  "processImagePath" : "\/usr\/libexec\/sandboxd",
  "processID" : 90,
  "timestamp" : "2026-10-01 11:26:45.000000-0700"
}]
Sandbox: after(7) deny(1) network-outbound /private/tmp/after
`
	events, stats := scanAll(t, input)
	if len(events) != 3 {
		t.Fatalf("got %d events, want 3: %+v", len(events), events)
	}
	checkEvent(t, events[0], want{process: "ssh", pid: 68324, operation: "network-outbound", target: "/Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", time: "2026-10-01 11:26:44.249142-0700", format: FormatJSON})
	checkEvent(t, events[1], want{process: "SampleApp", pid: 12447, operation: "network-outbound", target: "/private/var/run/mDNSResponder", time: "2026-10-01 11:26:45.000000-0700", format: FormatJSON})
	if events[1].Identifier != "com.example.SampleApp" {
		t.Errorf("Identifier = %q", events[1].Identifier)
	}
	if len(events[1].Backtrace) != 1 {
		t.Errorf("Backtrace = %q, want one frame", events[1].Backtrace)
	}
	if events[0].Line != 1 || events[1].Line != 12 {
		t.Errorf("Lines = %d, %d, want 1, 12", events[0].Line, events[1].Line)
	}
	checkEvent(t, events[2], want{process: "after", pid: 7, operation: "network-outbound", target: "/private/tmp/after", format: FormatKernel})
	if stats.Unknown != 0 {
		t.Errorf("Unknown = %d, want 0", stats.Unknown)
	}
}

func TestScannerBracketLineIsNotJSON(t *testing.T) {
	events, stats := scanAll(t, "[sandbox] Sandbox: curl(1) deny(1) network-outbound /private/tmp/a\n[x] plain text\n")
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	if events[0].Process != "curl" {
		t.Errorf("Process = %q, want curl", events[0].Process)
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1", stats.Unknown)
	}
}

func TestScannerInvalidJSONRecord(t *testing.T) {
	events, stats := scanAll(t, "{\"eventMessage\": 12}\n{\"eventMessage\": \"an ordinary message\"}\n")
	if len(events) != 0 {
		t.Errorf("got %d events, want 0", len(events))
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1 for the record that is not a log record", stats.Unknown)
	}
	if stats.Other != 1 {
		t.Errorf("Other = %d, want 1", stats.Other)
	}
}

func TestScannerTruncatedJSON(t *testing.T) {
	events, stats := scanAll(t, "[{\n  \"eventMessage\" : \"Sandbox: a(1) deny(1) network-outbound \\/x\",\n")
	if len(events) != 0 {
		t.Errorf("got %d events from a cut record, want 0", len(events))
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1", stats.Unknown)
	}
}

func TestScannerEagerReturnsWithoutNextLine(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	s := NewScanner(r, Options{Eager: true})
	done := make(chan Event)
	go func() {
		if s.Scan() {
			done <- s.Event()
		}
		close(done)
	}()
	if _, err := io.WriteString(w, "Sandbox: curl(1) deny(1) network-outbound /private/tmp/a\n"); err != nil {
		t.Fatal(err)
	}
	ev, ok := <-done
	if !ok {
		t.Fatal("Scan returned no event")
	}
	if ev.Process != "curl" {
		t.Errorf("Process = %q, want curl", ev.Process)
	}
}

func TestScannerEagerKeepsReportOfOneWrite(t *testing.T) {
	r, w := io.Pipe()
	s := NewScanner(r, Options{Eager: true})
	go func() {
		// log stream writes a multi-line message in one write.
		_, _ = io.WriteString(w, violationReport)
		w.Close()
	}()

	var events []Event
	for s.Scan() {
		events = append(events, s.Event())
	}
	if len(events) != 1 {
		t.Fatalf("got %d events, want the kernel line and its report as one", len(events))
	}
	if events[0].Identifier != "com.example.SampleApp" {
		t.Errorf("Identifier = %q, want the report's", events[0].Identifier)
	}
}

func TestScannerStrayBraceEndsAtKernelLine(t *testing.T) {
	input := "{ unbalanced\n" +
		"Sandbox: curl(1) deny(1) network-outbound /private/tmp/a\n" +
		"Sandbox: nc(2) deny(1) network-outbound /private/tmp/b\n"
	events, stats := scanAll(t, input)
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2: %+v", len(events), events)
	}
	if events[0].Process != "curl" || events[0].Line != 2 {
		t.Errorf("first event = %q on line %d, want curl on line 2", events[0].Process, events[0].Line)
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1 for the stray brace", stats.Unknown)
	}
}

func TestScannerCutNDJSONRecord(t *testing.T) {
	cases := map[string]string{
		"inside string": `{"eventMessage":"x` + "\n",
		"after string":  `{"eventMessage":"x",` + "\n",
	}
	for name, first := range cases {
		t.Run(name, func(t *testing.T) {
			input := first +
				`{"eventMessage":"Sandbox: curl(1) deny(1) network-outbound \/private\/tmp\/a"}` + "\n" +
				"Sandbox: nc(2) deny(1) network-outbound /private/tmp/b\n"
			events, stats := scanAll(t, input)
			if len(events) != 2 {
				t.Fatalf("got %d events, want 2: %+v", len(events), events)
			}
			if events[0].Process != "curl" || events[1].Process != "nc" {
				t.Errorf("processes = %q, %q, want curl, nc", events[0].Process, events[1].Process)
			}
			if stats.Unknown != 1 {
				t.Errorf("Unknown = %d, want 1 for the cut record", stats.Unknown)
			}
		})
	}
}

func TestScannerCutRecordBeforeLogShowLine(t *testing.T) {
	input := "[{\n  \"traceID\" : 1,\n" +
		"2026-10-01 11:26:44.249142-0700  0x1  Error  0x0  0  0  kernel: (Sandbox) Sandbox: curl(1) deny(1) network-outbound /private/tmp/a\n"
	events, stats := scanAll(t, input)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1: %+v", len(events), events)
	}
	if events[0].Process != "curl" {
		t.Errorf("Process = %q, want curl", events[0].Process)
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1 for the cut record", stats.Unknown)
	}
}

func TestScannerRecordLineLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for range MaxRecordLines + 10 {
		b.WriteString("\"k\" : 1,\n")
	}
	b.WriteString("Sandbox: curl(1) deny(1) network-outbound /private/tmp/a\n")
	events, stats := scanAll(t, b.String())
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	if stats.Oversized != 1 {
		t.Errorf("Oversized = %d, want 1 for the endless record", stats.Oversized)
	}
}

func TestScannerEagerAfterCutRecord(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	s := NewScanner(r, Options{Eager: true})
	done := make(chan Event)
	go func() {
		if s.Scan() {
			done <- s.Event()
		}
		close(done)
	}()
	if _, err := io.WriteString(w, `{"eventMessage":"x`+"\nSandbox: curl(1) deny(1) network-outbound /private/tmp/a\n"); err != nil {
		t.Fatal(err)
	}
	ev, ok := <-done
	if !ok {
		t.Fatal("Scan returned no event")
	}
	if ev.Process != "curl" {
		t.Errorf("Process = %q, want curl", ev.Process)
	}
}

// jsonArrayRecord returns one pretty-printed record of `log show --style
// json` for a denial by process name and pid.
func jsonArrayRecord(process string, pid int) string {
	return fmt.Sprintf("{\n  \"traceID\" : %d,\n"+
		"  \"eventMessage\" : \"Sandbox: %s(%d) deny(1) network-outbound \\/private\\/tmp\\/%s.sock\",\n"+
		"  \"processImagePath\" : \"\\/kernel\",\n  \"processID\" : 0\n}", pid, process, pid, process)
}

func TestScannerCutArrayRecordKeepsLaterRecords(t *testing.T) {
	input := "[\n{\n  \"traceID\" : 1,\n  \"eventMessage\" : \"Sandbox: cut(1) deny(1) network-outbound \\/private\\/tmp\\/cut.sock\",\n" +
		jsonArrayRecord("curl", 10) + ",\n" +
		jsonArrayRecord("nc", 11) + ",\n" +
		jsonArrayRecord("ssh", 12) + "\n]\n"
	events, stats := scanAll(t, input)
	if len(events) != 3 {
		t.Fatalf("got %d events, want the 3 complete records: %+v", len(events), events)
	}
	for i, process := range []string{"curl", "nc", "ssh"} {
		if events[i].Process != process {
			t.Errorf("event %d process = %q, want %q", i, events[i].Process, process)
		}
		if events[i].Format != FormatJSON {
			t.Errorf("event %d format = %v, want %v", i, events[i].Format, FormatJSON)
		}
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1 for the cut record", stats.Unknown)
	}
}

func TestScannerStrayBraceInJSONArray(t *testing.T) {
	input := "[\n" + jsonArrayRecord("curl", 10) + ",\n{\n" +
		jsonArrayRecord("nc", 11) + ",\n" +
		jsonArrayRecord("ssh", 12) + "\n]\n"
	events, stats := scanAll(t, input)
	if len(events) != 3 {
		t.Fatalf("got %d events, want 3: %+v", len(events), events)
	}
	if events[1].Process != "nc" || events[2].Process != "ssh" {
		t.Errorf("processes = %q, %q, want nc, ssh", events[1].Process, events[2].Process)
	}
	if stats.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1 for the stray brace", stats.Unknown)
	}
}

func TestScannerNestedObjectLineContinuesRecord(t *testing.T) {
	// '{' lines after ':', after '[' and after a ',' between array
	// elements are values inside the open record.
	input := "[\n{\n  \"eventMessage\" : \"Sandbox: curl(1) deny(1) network-outbound \\/private\\/tmp\\/a\",\n" +
		"  \"sender\" :\n  {\n    \"name\" : \"x\"\n  },\n" +
		"  \"frames\" : [\n  {\n    \"n\" : 1\n  },\n  {\n    \"n\" : 2\n  }\n  ]\n}\n]\n"
	events, stats := scanAll(t, input)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1: %+v", len(events), events)
	}
	if events[0].Process != "curl" {
		t.Errorf("Process = %q, want curl", events[0].Process)
	}
	if stats.Unknown != 0 {
		t.Errorf("Unknown = %d, want 0", stats.Unknown)
	}
}

func TestScannerJSONKeepsMessageTime(t *testing.T) {
	// A record without a timestamp keeps the time its message carries: the
	// Date/Time field of a violation report.
	input := `{"eventMessage":"Sandbox: curl(22299) deny(1) network-outbound \/private\/tmp\/s.sock\nViolation:       deny(1) network-outbound \/private\/tmp\/s.sock\nProcess:         curl [22299]\nDate\/Time:       2026-10-01 11:26:44.249 -0700\n","processID":0}
{"eventMessage":"Sandbox: curl(22299) deny(1) network-outbound \/private\/tmp\/t.sock\nViolation:       deny(1) network-outbound \/private\/tmp\/t.sock\nDate\/Time:       2026-10-01 11:26:44.249 -0700\n","processID":0,"timestamp":"2026-10-01 11:26:45.000000-0700"}
`
	events, _ := scanAll(t, input)
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2: %+v", len(events), events)
	}
	if want := "2026-10-01 11:26:44.249 -0700"; events[0].Time != want {
		t.Errorf("Time without a record timestamp = %q, want %q", events[0].Time, want)
	}
	if want := "2026-10-01 11:26:45.000000-0700"; events[1].Time != want {
		t.Errorf("Time with a record timestamp = %q, want %q", events[1].Time, want)
	}
}
