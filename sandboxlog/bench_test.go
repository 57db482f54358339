package sandboxlog

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// benchLines is the size of the generated log: one million lines of `log
// show --style compact` output, of which 1% are sandbox denials.
const benchLines = 1_000_000

var benchLog = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	for i := range benchLines {
		second := i / 1000 % 60
		millis := i % 1000
		if i%100 == 0 {
			fmt.Fprintf(&buf, "2026-10-01 11:26:%02d.%03d E  kernel[0:d31a6f5] (Sandbox) Sandbox: curl(%d) deny(1) network-outbound /Users/user/.docker/run/docker.sock\n",
				second, millis, 20000+i%5000)
			continue
		}
		fmt.Fprintf(&buf, "2026-10-01 11:26:%02d.%03d Df WindowServer[%d:1a2b%x] (CoreGraphics) [com.apple.SkyLight:default] composited frame %d in %d us\n",
			second, millis, 100+i%300, i%4096, i, i%977)
	}
	return buf.Bytes()
})

// BenchmarkScanner reads the generated log; b.SetBytes makes go test print
// MB/s, and allocs/line is the number of heap allocations per input line.
func BenchmarkScanner(b *testing.B) {
	data := benchLog()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data), Options{})
		events := 0
		for s.Scan() {
			events++
		}
		if events != benchLines/100 {
			b.Fatalf("got %d events, want %d", events, benchLines/100)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/benchLines, "allocs/line")
}

// BenchmarkParseLineDenial parses one kernel line in compact framing.
func BenchmarkParseLineDenial(b *testing.B) {
	line := []byte("2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) Sandbox: ssh(68324) deny(1) network-outbound /Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock")
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, kind := parseLine(line); kind != lineEvent {
			b.Fatal("no event")
		}
	}
}
