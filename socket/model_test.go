package socket

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInspectModelsDockerSymlink(t *testing.T) {
	home := shortTempDir(t)
	target := filepath.Join(home, ".docker/run/docker.sock")
	listenStream(t, target)

	info, err := Inspect("/var/run/docker.sock", Options{Home: home, BundleID: "com.example.App", Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(target); info.ResolvedPath != want {
		t.Errorf("ResolvedPath = %q, want %q", info.ResolvedPath, want)
	}
	if len(info.Hops) == 0 || info.Hops[0].From != "/private/var/run/docker.sock" {
		t.Errorf("Hops = %v, want a first hop from /private/var/run/docker.sock", info.Hops)
	}
	if info.Location != LocationHome {
		t.Errorf("Location = %q, want %q", info.Location, LocationHome)
	}
	if !strings.Contains(info.Modelled, "Docker Desktop") {
		t.Errorf("Modelled = %q, want the documenting source", info.Modelled)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("Dial = %+v, want a connect to the target in the home folder", info.Dial)
	}
}

func TestInspectModelledPathOutsideHome(t *testing.T) {
	home := shortTempDir(t)
	outside := shortTempDir(t)
	sock := filepath.Join(outside, "agent.sock")
	listenStream(t, sock)

	info, err := Inspect(sock, Options{Home: home, Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dial.Result != DialSkipped {
		t.Errorf("Dial.Result = %q, want %q: a path outside a modelled home must not be dialled", info.Dial.Result, DialSkipped)
	}
	if info.Exists || info.Type != "unknown" {
		t.Errorf("Exists, Type = %t, %q, want false, unknown: the host's file must not be read", info.Exists, info.Type)
	}
	if info.Modelled == "" {
		t.Error("Modelled is empty, want the reason the path was not read")
	}
}

func TestInspectRealHomeReadsOutside(t *testing.T) {
	home := shortTempDir(t)
	outside := shortTempDir(t)
	sock := filepath.Join(outside, "agent.sock")
	listenStream(t, sock)

	info, err := Inspect(sock, Options{Home: home, Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("Dial.Result = %q, want %q without ModelOutsideHome", info.Dial.Result, DialConnected)
	}
	if info.Modelled != "" {
		t.Errorf("Modelled = %q, want empty", info.Modelled)
	}
}

func TestIsDocumentedLink(t *testing.T) {
	for path, want := range map[string]bool{
		"/var/run/docker.sock":           true,
		"/private/var/run/docker.sock":   true,
		"/var/run/../run/docker.sock":    true,
		"/var/run/tailscaled.socket":     false,
		"/Users/user/.docker/run/x.sock": false,
	} {
		if got := IsDocumentedLink(path); got != want {
			t.Errorf("IsDocumentedLink(%q) = %t, want %t", path, got, want)
		}
	}
}

func TestInspectDocumentedLinkOffMac(t *testing.T) {
	if hostHasDocumentedLinks {
		t.Skip("a Mac has the real symlink, so Inspect reads it")
	}
	home := shortTempDir(t)
	target := filepath.Join(home, ".docker/run/docker.sock")
	listenStream(t, target)

	// No ModelOutsideHome: the home folder is the account's own.
	info, err := Inspect("/var/run/docker.sock", Options{Home: home, BundleID: "com.example.App", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(target); info.ResolvedPath != want {
		t.Errorf("ResolvedPath = %q, want the documented target %q", info.ResolvedPath, want)
	}
	if info.Location != LocationHome {
		t.Errorf("Location = %q, want %q", info.Location, LocationHome)
	}
	if !strings.Contains(info.Modelled, "Docker Desktop") {
		t.Errorf("Modelled = %q, want the documenting source", info.Modelled)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("Dial = %+v, want a connect to the target in the home folder only", info.Dial)
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		path, dir string
		want      bool
	}{
		{"/private/var/run/x", "/private/var/run", true},
		{"/private/var/run", "/private/var/run", true},
		{"/private/var/runner/x", "/private/var/run", false},
		{"/private/var/run/x", "/private/var/run/", true},
		{"/x", "/", true},
		{"/x", "", false},
	}
	for _, tt := range tests {
		if got := Within(tt.path, tt.dir); got != tt.want {
			t.Errorf("Within(%q, %q) = %t, want %t", tt.path, tt.dir, got, tt.want)
		}
	}
}

func TestLookupSpecialSocketFullPath(t *testing.T) {
	if s, ok := LookupSpecialSocket("/private/var/run/mDNSResponder"); !ok || s.Name != "mDNSResponder" {
		t.Errorf("LookupSpecialSocket(mDNSResponder) = %+v, %t, want the mDNSResponder entry", s, ok)
	}
	for _, p := range []string{"/Users/u/mDNSResponder", "/private/tmp/cupsd", "/private/var/run/x/usbmuxd"} {
		if _, ok := LookupSpecialSocket(p); ok {
			t.Errorf("LookupSpecialSocket(%q) found a special socket, want none outside %s", p, VarRun)
		}
	}
}

func TestInspectModelledSymlinkLeavingHome(t *testing.T) {
	home := shortTempDir(t)
	outside := shortTempDir(t)
	sock := filepath.Join(outside, "agent.sock")
	listener := listenStream(t, sock)
	link := filepath.Join(home, ".agent", "agent.sock")
	symlink(t, sock, link)

	info, err := Inspect(link, Options{Home: home, Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.ResolvedPath != MacOSPath(sock) {
		t.Errorf("ResolvedPath = %q, want %q", info.ResolvedPath, MacOSPath(sock))
	}
	if info.Dial.Result != DialSkipped {
		t.Errorf("Dial.Result = %q, want %q: a target outside a modelled home must not be dialled", info.Dial.Result, DialSkipped)
	}
	if info.Exists || info.Type != "unknown" {
		t.Errorf("Exists, Type = %t, %q, want false, unknown: the target outside the home must not be read", info.Exists, info.Type)
	}
	if !strings.Contains(info.Modelled, "outside the home folder") {
		t.Errorf("Modelled = %q, want the reason the target was not read", info.Modelled)
	}
	assertNoConnection(t, listener)
}

func TestInspectModelledDocumentedLinkLeavingHome(t *testing.T) {
	home := shortTempDir(t)
	outside := shortTempDir(t)
	sock := filepath.Join(outside, "docker.sock")
	listener := listenStream(t, sock)
	symlink(t, sock, filepath.Join(home, ".docker/run/docker.sock"))

	info, err := Inspect("/var/run/docker.sock", Options{Home: home, Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dial.Result != DialSkipped {
		t.Errorf("Dial.Result = %q, want %q: a target outside a modelled home must not be dialled", info.Dial.Result, DialSkipped)
	}
	if info.Exists {
		t.Error("Exists = true, want false: the target outside the home must not be read")
	}
	assertNoConnection(t, listener)
}

// assertNoConnection fails the test when a client connect is waiting on
// listener. A stream connect succeeds through the backlog without an
// Accept, so the waiting queue is checked with a short deadline.
func assertNoConnection(t *testing.T, listener *net.UnixListener) {
	t.Helper()
	if err := listener.SetDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	conn, err := listener.Accept()
	if err == nil {
		conn.Close()
		t.Error("the listener outside the home received a connection, want none")
	}
}

func TestInspectModelledLongChainLeavingHome(t *testing.T) {
	home := shortTempDir(t)
	outside := shortTempDir(t)
	sock := filepath.Join(outside, "agent.sock")
	listener := listenStream(t, sock)

	// A chain of more links than the resolver follows, but fewer than the
	// Linux kernel follows (40), ends outside the home folder.
	const links = MaxSymlinkHops + 4
	target := sock
	for i := links; i >= 1; i-- {
		link := filepath.Join(home, "c", fmt.Sprintf("l%d", i))
		symlink(t, target, link)
		target = link
	}

	info, err := Inspect(target, Options{Home: home, Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dial.Result != DialSkipped {
		t.Errorf("Dial.Result = %q, want %q: an unresolvable path in a modelled home must not be dialled", info.Dial.Result, DialSkipped)
	}
	if !strings.Contains(info.Modelled, "could not be resolved") {
		t.Errorf("Modelled = %q, want the reason the path was not read", info.Modelled)
	}
	assertNoConnection(t, listener)
}

func TestInspectModelledDialsResolvedPath(t *testing.T) {
	home := shortTempDir(t)
	sock := filepath.Join(home, "real.sock")
	listenStream(t, sock)
	link := filepath.Join(home, "link.sock")
	symlink(t, sock, link)

	info, err := Inspect(link, Options{Home: home, Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("Dial.Result = %q, want %q for a link that stays inside the home", info.Dial.Result, DialConnected)
	}
}

func TestInspectModelledSymlinkedHome(t *testing.T) {
	real := shortTempDir(t)
	link := filepath.Join(shortTempDir(t), "home")
	symlink(t, real, link)
	sock := filepath.Join(real, "in.sock")
	listenStream(t, sock)

	info, err := Inspect(filepath.Join(link, "in.sock"), Options{Home: link, Dial: true, ModelOutsideHome: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Modelled != "" {
		t.Errorf("Modelled = %q, want empty: the path is inside the home folder, written through its symlink", info.Modelled)
	}
	if info.Location != LocationHome {
		t.Errorf("Location = %q, want %q", info.Location, LocationHome)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("Dial.Result = %q, want %q", info.Dial.Result, DialConnected)
	}
}
