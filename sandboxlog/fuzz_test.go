package sandboxlog

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseLine checks that no line makes ParseLine panic, and that every
// event it returns is made of the line's own bytes.
func FuzzParseLine(f *testing.F) {
	for _, seed := range []string{
		"Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock",
		"2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) Sandbox: llama-server(4242) deny(1) network-bind local:*:8080",
		"2026-10-01 11:26:44.249142-0700 0x1a2b3    Error       0x0                  0      0    kernel: (Sandbox) Sandbox: a(1) deny(1) x /y",
		"Oct 12 09:01:02 mac sandboxd[120] ([456]): ssh(456) deny network-outbound /Users/user/.ssh/agent.sock",
		"dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted",
		"Can't connect to local MySQL server through socket '/tmp/mysql.sock' (1)",
		"dial unix /var/run/docker.sock: connect: operation not permitted",
		"Sandbox: ((1)(2) deny(1) deny(3) ) deny",
		"2026-10-01 11:26:44.249 E  [0:1] [",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev, ok := ParseLine(line)
		if !ok {
			return
		}
		if ev.Raw != line {
			t.Errorf("Raw = %q, want the line %q", ev.Raw, line)
		}
		if ev.Operation == "" {
			t.Errorf("event without an operation from %q", line)
		}
		fields := map[string]string{"Process": ev.Process, "Target": ev.Target, "Time": ev.Time}
		if ev.Errno == 0 {
			// Library messages name connect(2), not the sandbox operation.
			fields["Operation"] = ev.Operation
		}
		for name, field := range fields {
			if !strings.Contains(line, field) {
				t.Errorf("%s %q is not part of the line %q", name, field, line)
			}
		}
		if ev.PID < 0 {
			t.Errorf("PID = %d from %q", ev.PID, line)
		}
	})
}

// FuzzScanner feeds arbitrary input, including broken JSON and reports, to
// the Scanner and checks that every line is accounted for.
func FuzzScanner(f *testing.F) {
	f.Add([]byte(violationReport))
	f.Add([]byte("[{\n\"eventMessage\" : \"Sandbox: a(1) deny(1) network-outbound \\/x\"\n},{\n\"eventMessage\" : 1}]\n"))
	f.Add([]byte("{\"eventMessage\":\"Sandbox: a(1) deny(1) network-outbound /x\\nViolation: deny(1) network-outbound /x\\nProcess: a [1]\"}\n"))
	f.Add([]byte("Sandbox: a(1) deny(1) network-outbound /x\r\nViolation: deny network-outbound /x\r\n\r\nThread 0:\r\n0 a 0x1 b\r\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		s := NewScanner(bytes.NewReader(input), Options{})
		n := 0
		for s.Scan() {
			n++
			if ev := s.Event(); ev.Line < 1 {
				t.Errorf("event with line %d", ev.Line)
			}
		}
		if err := s.Err(); err != nil {
			t.Fatalf("Err = %v on in-memory input", err)
		}
		st := s.Stats()
		if st.Events != n {
			t.Errorf("Stats.Events = %d, returned %d", st.Events, n)
		}
		lines := bytes.Count(input, []byte("\n"))
		if len(input) > 0 && input[len(input)-1] != '\n' {
			lines++
		}
		if st.Lines != lines {
			t.Errorf("Stats.Lines = %d, input has %d lines", st.Lines, lines)
		}
	})
}
