package explain

import (
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/sandboxlog"
)

// FuzzExplain checks that no parsed line makes Explain panic, and that a
// socket denial always gets a verdict whose assumptions lead the evidence.
func FuzzExplain(f *testing.F) {
	for _, seed := range []string{
		"Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock",
		"Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder",
		"dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted",
		"dial unix /var/run/docker.sock: connect: operation not permitted",
		"Sandbox: ssh(1) deny(1) network-outbound /Users/u/Library/Group Containers/2BUA8C4S2C.x/s",
		"Sandbox: a(1) deny(1) network-bind /Users/u/Library/Containers/com.x/Data/s",
		"Sandbox: a(1) deny(1) network-outbound remote:*:443",
		"Can't connect to local MySQL server through socket '/tmp/mysql.sock' (61)",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	app := &entitlements.Target{BundleID: "com.example.MyApp", Entitlements: entitlements.Dict{
		entitlements.KeyAppSandbox: true, entitlements.KeyNetworkClient: true,
	}}
	f.Fuzz(func(t *testing.T, line string, withApp bool) {
		ev, ok := sandboxlog.ParseLine(line)
		if !ok {
			return
		}
		opts := Options{}
		if withApp {
			opts.Target = app
		}
		d := Explain(&sandboxlog.Group{Event: ev, Count: 1}, opts)
		if d.Kind != report.DenialSocket {
			return
		}

		if d.Verdict == nil {
			t.Fatalf("socket denial without a verdict from %q", line)
		}
		for _, fd := range d.Findings {
			if ev.Process == "" && fd.Rule == "child-inherits-sandbox" {
				t.Errorf("child-inherits-sandbox for a line that names no process: %q", line)
			}
			for i, a := range d.Assumed {
				if i >= len(fd.Evidence) || fd.Evidence[i] != "assumed: "+a {
					t.Errorf("%s evidence does not start with the assumptions %q:\n%s", fd.Rule, d.Assumed, strings.Join(fd.Evidence, "\n"))
					break
				}
			}
		}
		if !withApp && (len(d.Assumed) == 0 || d.Assumed[0] != unknownAppAssumption) {
			t.Errorf("without the app, Assumed = %q, want the unknown app first", d.Assumed)
		}
	})
}
