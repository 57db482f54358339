package socket

import (
	"strings"
	"testing"
)

func TestMacOSPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/tmp/mysql.sock", "/private/tmp/mysql.sock"},
		{"/tmp", "/private/tmp"},
		{"/var/run/docker.sock", "/private/var/run/docker.sock"},
		{"/etc/hosts", "/private/etc/hosts"},
		{"/private/tmp/x", "/private/tmp/x"},
		{"/tmpfoo/x", "/tmpfoo/x"},
		{"/variable", "/variable"},
		{"/Users/me/.docker/run/docker.sock", "/Users/me/.docker/run/docker.sock"},
		{"/tmp/a/../b//c/", "/private/tmp/b/c"},
		{"/", "/"},
	}
	for _, tt := range tests {
		if got := MacOSPath(tt.in); got != tt.want {
			t.Errorf("MacOSPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTeamPrefix(t *testing.T) {
	tests := []struct{ group, want string }{
		{"2BUA8C4S2C.com.1password", "2BUA8C4S2C"},
		{"ABCDE12345.shared", "ABCDE12345"},
		{"group.com.example.shared", ""},
		{"abcde12345.lower", ""},
		{"ABCDE1234.short", ""},
		{"ABCDE12345", ""},
		{"ABCDE12345-dash", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := TeamPrefix(tt.group); got != tt.want {
			t.Errorf("TeamPrefix(%q) = %q, want %q", tt.group, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	const home = "/Users/dev"
	app := Options{
		Home:     home,
		BundleID: "com.example.Viewer",
		TeamID:   "ABCDE12345",
		Groups:   []string{"ABCDE12345.viewer", "group.com.example.viewer"},
	}

	tests := []struct {
		name       string
		path       string
		opts       Options
		want       Location
		container  string
		team       string
		sameTeam   bool
		special    string
		tempKind   string
		detailHave string
	}{
		{name: "own container data", path: home + "/Library/Containers/com.example.Viewer/Data/s.sock", opts: app,
			want: LocationOwnContainer, container: "com.example.Viewer", detailHave: "own container"},
		{name: "own container root", path: home + "/Library/Containers/com.example.Viewer", opts: app,
			want: LocationOwnContainer, container: "com.example.Viewer"},
		{name: "containers folder itself", path: home + "/Library/Containers", opts: app,
			want: LocationHome},
		{name: "other app container", path: home + "/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh", opts: app,
			want: LocationOtherAppContainer, container: "com.maxgoedjen.Secretive.SecretAgent", detailHave: "another app"},
		{name: "container without bundle ID", path: home + "/Library/Containers/com.example.Viewer/Data/s.sock", opts: Options{Home: home},
			want: LocationOtherAppContainer, container: "com.example.Viewer", detailHave: "bundle ID is unknown"},
		{name: "claimed team group", path: home + "/Library/Group Containers/ABCDE12345.viewer/s.sock", opts: app,
			want: LocationAppGroup, container: "ABCDE12345.viewer", team: "ABCDE12345", sameTeam: true, detailHave: "claimed app group"},
		{name: "claimed iOS-style group", path: home + "/Library/Group Containers/group.com.example.viewer/s", opts: app,
			want: LocationAppGroup, container: "group.com.example.viewer"},
		{name: "1Password group", path: home + "/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", opts: app,
			want: LocationOtherGroup, container: "2BUA8C4S2C.com.1password", team: "2BUA8C4S2C", detailHave: "another team"},
		{name: "unclaimed same-team group", path: home + "/Library/Group Containers/ABCDE12345.other/s", opts: app,
			want: LocationOtherGroup, container: "ABCDE12345.other", team: "ABCDE12345", sameTeam: true, detailHave: "own team"},
		{name: "unclaimed group unknown team", path: home + "/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", opts: Options{Home: home},
			want: LocationOtherGroup, container: "2BUA8C4S2C.com.1password", team: "2BUA8C4S2C", detailHave: "team is unknown"},
		{name: "unclaimed unprefixed group", path: home + "/Library/Group Containers/group.other/s", opts: app,
			want: LocationOtherGroup, container: "group.other", detailHave: "no Team ID prefix"},
		{name: "docker in home", path: home + "/.docker/run/docker.sock", opts: app,
			want: LocationHome, detailHave: "home folder"},
		{name: "home itself", path: home, opts: app, want: LocationHome},
		{name: "home prefix only", path: "/Users/developer/x.sock", opts: app, want: LocationOther},
		{name: "var run", path: "/private/var/run/tailscaled.socket", opts: app, want: LocationVarRun},
		{name: "var run unnormalised", path: "/var/run/tailscaled.socket", opts: app, want: LocationVarRun},
		{name: "var run folder", path: "/private/var/run", opts: app, want: LocationVarRun},
		{name: "mDNSResponder", path: "/var/run/mDNSResponder", opts: app, want: LocationVarRun,
			special: "mDNSResponder", detailHave: "network.client"},
		{name: "cupsd", path: "/private/var/run/cupsd", opts: app, want: LocationVarRun, special: "cupsd", detailHave: "print"},
		{name: "usbmuxd", path: "/private/var/run/usbmuxd", opts: app, want: LocationVarRun, special: "usbmuxd", detailHave: "sbpl"},
		{name: "usbmuxd deeper is not special", path: "/private/var/run/usbmuxd/x", opts: app, want: LocationVarRun},
		{name: "tmp", path: "/tmp/mysql.sock", opts: app, want: LocationTmp, tempKind: "tmp", detailHave: "/private/tmp"},
		{name: "var tmp", path: "/var/tmp/x.sock", opts: app, want: LocationTmp, tempKind: "var-tmp"},
		{name: "per-user temp", path: "/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/podman/podman-machine-default-api.sock", opts: app,
			want: LocationTmp, tempKind: "user-temp", detailHave: "/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T"},
		{name: "per-user cache", path: "/private/var/folders/zz/abc/C/x", opts: app, want: LocationSystem},
		{name: "launchd ssh-agent", path: "/private/tmp/com.apple.launchd.Ab12Cd/Listeners", opts: app, want: LocationTmp, tempKind: "tmp"},
		{name: "system", path: "/System/Library/x", opts: app, want: LocationSystem},
		{name: "private etc", path: "/etc/x", opts: app, want: LocationSystem},
		{name: "usr local is not system", path: "/usr/local/var/mysql/mysql.sock", opts: app, want: LocationOther},
		{name: "MAMP", path: "/Applications/MAMP/tmp/mysql/mysql.sock", opts: app, want: LocationOther},
		{name: "no home given", path: "/Users/dev/.docker/run/docker.sock", opts: Options{}, want: LocationOther},
		{name: "home under tmp", path: "/tmp/work/home/Library/Containers/com.example.Viewer/Data/s",
			opts: Options{Home: "/tmp/work/home", BundleID: "com.example.Viewer"}, want: LocationOwnContainer, container: "com.example.Viewer"},
		{name: "home under private tmp", path: "/private/tmp/work/home/.ssh/agent",
			opts: Options{Home: "/tmp/work/home"}, want: LocationHome},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, detail := Classify(tt.path, tt.opts)
			if got != tt.want {
				t.Fatalf("location = %q, want %q (detail %q)", got, tt.want, detail.Detail)
			}
			if detail.ContainerID != tt.container {
				t.Errorf("container ID = %q, want %q", detail.ContainerID, tt.container)
			}
			if detail.GroupTeamID != tt.team {
				t.Errorf("group team ID = %q, want %q", detail.GroupTeamID, tt.team)
			}
			if detail.SameTeam != tt.sameTeam {
				t.Errorf("same team = %v, want %v", detail.SameTeam, tt.sameTeam)
			}
			if detail.SpecialSocket != tt.special {
				t.Errorf("special socket = %q, want %q", detail.SpecialSocket, tt.special)
			}
			if detail.TempKind != tt.tempKind {
				t.Errorf("temp kind = %q, want %q", detail.TempKind, tt.tempKind)
			}
			if detail.Detail == "" {
				t.Error("detail is empty")
			}
			if !strings.Contains(detail.Detail, tt.detailHave) {
				t.Errorf("detail %q does not contain %q", detail.Detail, tt.detailHave)
			}
		})
	}
}

func BenchmarkClassify(b *testing.B) {
	opts := Options{
		Home:     "/Users/dev",
		BundleID: "com.example.Viewer",
		TeamID:   "ABCDE12345",
		Groups:   []string{"ABCDE12345.viewer"},
	}
	paths := []string{
		"/Users/dev/Library/Containers/com.example.Viewer/Data/s.sock",
		"/Users/dev/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock",
		"/Users/dev/.docker/run/docker.sock",
		"/var/run/mDNSResponder",
		"/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/podman/podman-machine-default-api.sock",
		"/Applications/MAMP/tmp/mysql/mysql.sock",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Classify(paths[i%len(paths)], opts)
	}
}
