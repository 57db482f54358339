//go:build unix

package cli

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that one goroutine writes while another
// reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls until out contains want or the timeout passes.
func waitFor(out *lockedBuffer, want string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), want) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// TestExplainFollowPrintsAndStopsOnSIGINT feeds explain --follow through a
// pipe that stays open: each denial must appear before the input ends, and
// SIGINT must end the run with the summary and the findings' exit code.
func TestExplainFollowPrintsAndStopsOnSIGINT(t *testing.T) {
	input, writer := io.Pipe()
	defer writer.Close()
	out := &lockedBuffer{}
	errOut := &lockedBuffer{}
	streams := &IO{In: input, Out: out, Err: errOut, Getenv: func(string) string { return "" }}

	code := make(chan int, 1)
	go func() { code <- Main([]string{"explain", "--follow"}, streams) }()

	lines := []string{
		"Filtering the log data using \"sender == \\\"Sandbox\\\"\"\n",
		"2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock\n",
	}
	for _, line := range lines {
		if _, err := io.WriteString(writer, line); err != nil {
			t.Fatal(err)
		}
	}
	if !waitFor(out, "Denial 1: curl(22299)", 10*time.Second) {
		t.Fatalf("no denial printed while the input is open; output:\n%s", out.String())
	}

	if _, err := io.WriteString(writer, "Sandbox: nc(7) deny(1) network-bind local:*:8080\n"); err != nil {
		t.Fatal(err)
	}
	if !waitFor(out, "Denial 2: nc(7)", 10*time.Second) {
		t.Fatalf("second denial not printed; output:\n%s", out.String())
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-code:
		if got != ExitFindings {
			t.Errorf("exit code = %d, want %d for the outside-sandbox-reach error", got, ExitFindings)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("explain --follow did not stop on SIGINT")
	}
	if !strings.Contains(out.String(), "2 distinct denials from 2 log entries") {
		t.Errorf("summary missing; output:\n%s", out.String())
	}
	if errOut.String() != "" {
		t.Errorf("stderr = %q, want nothing", errOut.String())
	}
}
