package socket

import (
	"path/filepath"
	"strings"
	"testing"
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
