package checks

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// These tests run socket.Inspect on real files and sockets in a temporary
// home folder and pass the result to Diagnose, so the classifier and the
// rules are tested together.

// shortTempDir returns a temporary folder with a short path, so sockets in
// group containers stay within sun_path.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func listenAt(t *testing.T, network, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	switch network {
	case "unix":
		l, err := net.Listen("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
	case "unixgram":
		c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
	case "stale":
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		l.SetUnlinkOnClose(false)
		l.Close()
	case "file":
		if err := os.WriteFile(path, []byte("not a socket"), 0o644); err != nil {
			t.Fatal(err)
		}
	case "missing":
	default:
		t.Fatalf("unknown network %q", network)
	}
}

// lengthPath returns a path under dir that is exactly n bytes as given,
// before MacOSPath adds /private to a folder under /tmp.
func lengthPath(t *testing.T, dir string, n int) string {
	t.Helper()
	prefix := dir + "/"
	fill := n - len(prefix) - len(".sock")
	if fill < 1 {
		t.Fatalf("%q is too long for a %d-byte path", prefix, n)
	}
	return prefix + strings.Repeat("s", fill) + ".sock"
}

func TestDiagnoseInspectedSockets(t *testing.T) {
	home := filepath.Join(shortTempDir(t), "h")
	groupDir := filepath.Join(home, "Library", "Group Containers", testGroup)
	app := sandboxedApp(merge(groups(testGroup), entitlements.Dict{entitlements.KeyNetworkClient: true}))

	tests := []struct {
		name     string
		path     string
		network  string // how the test creates the path
		location socket.Location
		decides  string
		state    string // the expected socket state finding, "" for none
		long     bool   // path-too-long expected
	}{
		{name: "docker in home", path: filepath.Join(home, ".docker/run/docker.sock"), network: "unix", location: socket.LocationHome, decides: "outside-sandbox-reach"},
		{name: "1password group of another team", path: filepath.Join(home, "Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock"), network: "unix", location: socket.LocationOtherGroup, decides: "group-not-claimed"},
		{name: "secretive container", path: filepath.Join(home, "Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh"), network: "unix", location: socket.LocationOtherAppContainer, decides: "other-app-container"},
		{name: "own container", path: filepath.Join(home, "Library/Containers", testBundle, "Data/s.sock"), network: "unix", location: socket.LocationOwnContainer, decides: "allowed-own-container"},
		{name: "claimed group 103 bytes", path: lengthPath(t, groupDir, 103), network: "unix", location: socket.LocationAppGroup, decides: "allowed-app-group"},
		{name: "claimed group 104 bytes", path: lengthPath(t, groupDir, 104), network: "unix", location: socket.LocationAppGroup, decides: "allowed-app-group", long: true},
		{name: "stale socket", path: filepath.Join(groupDir, "stale.sock"), network: "stale", location: socket.LocationAppGroup, decides: "allowed-app-group", state: "socket-stale"},
		{name: "datagram socket", path: filepath.Join(groupDir, "dgram.sock"), network: "unixgram", location: socket.LocationAppGroup, decides: "allowed-app-group", state: "socket-wrong-type"},
		{name: "regular file", path: filepath.Join(groupDir, "file.sock"), network: "file", location: socket.LocationAppGroup, decides: "allowed-app-group", state: "not-a-socket"},
		{name: "missing path", path: filepath.Join(groupDir, "gone.sock"), network: "missing", location: socket.LocationAppGroup, decides: "allowed-app-group", state: "socket-missing"},
	}

	stateRules := []string{"socket-missing", "not-a-socket", "socket-permission", "socket-stale", "socket-wrong-type", "dial-timeout", "dial-not-permitted"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			listenAt(t, tt.network, tt.path)
			info, err := socket.Inspect(tt.path, socket.Options{
				Home: home, BundleID: testBundle, TeamID: testTeam, Groups: []string{testGroup},
				Dial: true, Timeout: 2 * time.Second,
			})
			if err != nil {
				t.Fatal(err)
			}
			if info.Location != tt.location {
				t.Errorf("location = %q, want %q", info.Location, tt.location)
			}

			d := Diagnose(Input{Target: app, Socket: info, Home: home, Distribution: DistributionDeveloperID})
			rules := findingRules(d.Findings)
			if d.Verdict.Rule != tt.decides {
				t.Errorf("deciding rule = %q, want %q (%s)", d.Verdict.Rule, tt.decides, d.Verdict.Summary)
			}

			var states []string
			for _, id := range rules {
				if slices.Contains(stateRules, id) {
					states = append(states, id)
				}
			}
			switch {
			case tt.state == "" && len(states) != 0:
				t.Errorf("state findings = %v, want none", states)
			case tt.state != "" && !slices.Equal(states, []string{tt.state}):
				t.Errorf("state findings = %v, want [%s]", states, tt.state)
			}
			if got := slices.Contains(rules, "path-too-long"); got != tt.long {
				t.Errorf("path-too-long raised = %t, want %t (%d bytes)", got, tt.long, info.PathBytes)
			}
		})
	}
}

func TestDiagnoseInspectedSymlinkFromTmp(t *testing.T) {
	root := shortTempDir(t)
	home := filepath.Join(root, "h")
	target := filepath.Join(root, "mysql.sock")
	listenAt(t, "unix", target)
	link := filepath.Join(home, "Library/Containers", testBundle, "Data/mysql.sock")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}

	info, err := socket.Inspect(link, socket.Options{Home: home, BundleID: testBundle, Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: home})
	if d.Verdict.Rule != "symlink-escapes" {
		t.Errorf("deciding rule = %q, want symlink-escapes (%s)", d.Verdict.Rule, d.Verdict.Summary)
	}
	// symlink-escapes already says where the resolved path lies.
	if slices.Contains(findingRules(d.Findings), "outside-sandbox-reach") {
		t.Errorf("outside-sandbox-reach repeats the deciding symlink-escapes: %v", findingRules(d.Findings))
	}
}
