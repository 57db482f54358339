package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
)

// TestDockerLinkAccountHome checks /var/run/docker.sock as check does
// without --home, where the home folder is the account's own and so not
// modelled. Off a Mac the path must still be judged as Docker Desktop's
// symlink into the home folder, never as this host's file.
func TestDockerLinkAccountHome(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("a Mac has the real symlink, so check reads it")
	}
	home, err := os.MkdirTemp("", "sdhome")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })

	target := &entitlements.Target{
		Path: "MyApp.app", Kind: entitlements.KindApp, BundleID: "com.example.MyApp", TeamID: "ABCDE12345",
		Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true},
	}
	opts := &checkOptions{Socket: "/var/run/docker.sock", Operation: "connect", Home: home, NoDial: true, modelledHome: false}

	c, err := diagnoseSocket(target, opts.Socket, nil, checks.DistributionDeveloperID, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Verdict.Sandbox != checks.SandboxDenied {
		t.Errorf("verdict = %q (%s), want denied", c.Verdict.Sandbox, c.Verdict.Summary)
	}
	if c.Verdict.Rule == "allowed-var-run" {
		t.Errorf("deciding rule = %q, want a denial through the symlink", c.Verdict.Rule)
	}
	if want := filepath.Join(home, ".docker/run/docker.sock"); !strings.HasSuffix(c.Socket.ResolvedPath, want) {
		t.Errorf("resolved path = %q, want the documented target %q", c.Socket.ResolvedPath, want)
	}
	if c.Socket.Modelled == "" {
		t.Error("Modelled is empty, want the modelled: evidence line")
	}
}
