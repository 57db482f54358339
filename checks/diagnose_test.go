package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

const (
	testHome   = "/Users/user"
	testBundle = "com.example.MyApp"
	testTeam   = "ABCDE12345"
	testGroup  = "ABCDE12345.com.example.shared"
)

// sandboxedApp returns a sandboxed app target whose entitlements are the
// sandbox key plus extra.
func sandboxedApp(extra entitlements.Dict) *entitlements.Target {
	d := entitlements.Dict{entitlements.KeyAppSandbox: true}
	for k, v := range extra {
		d[k] = v
	}
	return &entitlements.Target{
		Path: "/Build/MyApp.app", Kind: entitlements.KindApp,
		BundleID: testBundle, TeamID: testTeam,
		Signature: entitlements.SignatureDeveloperID, Entitlements: d,
	}
}

// listening returns a live socket at path with the given location.
func listening(path string, loc socket.Location) *socket.Info {
	return &socket.Info{
		Path: path, ResolvedPath: socket.MacOSPath(path), PathBytes: len(socket.MacOSPath(path)), GivenPathBytes: len(path),
		Location: loc, Exists: true, Type: "socket", Mode: "srwxr-xr-x", Owner: "user", Writable: true,
		Dial: socket.Dial{Result: socket.DialConnected},
	}
}

func withDial(info *socket.Info, result socket.DialResult, errno string) *socket.Info {
	info.Dial = socket.Dial{Result: result, Errno: errno}
	return info
}

func groups(ids ...string) entitlements.Dict {
	values := make([]any, len(ids))
	for i, id := range ids {
		values[i] = id
	}
	return entitlements.Dict{entitlements.KeyApplicationGroups: values}
}

func merge(dicts ...entitlements.Dict) entitlements.Dict {
	out := entitlements.Dict{}
	for _, d := range dicts {
		for k, v := range d {
			out[k] = v
		}
	}
	return out
}

// pathOfLength returns a socket path in the group container that is exactly
// n bytes long.
func pathOfLength(t *testing.T, n int) string {
	t.Helper()
	dir := testHome + "/Library/Group Containers/" + testGroup + "/"
	if n <= len(dir)+5 {
		t.Fatalf("length %d is too short for %q", n, dir)
	}
	return dir + strings.Repeat("s", n-len(dir)-5) + ".sock"
}

func TestDiagnose(t *testing.T) {
	group103 := pathOfLength(t, 103)
	group104 := pathOfLength(t, 104)

	tests := []struct {
		name     string
		in       Input
		sandbox  string
		decides  string
		present  []string
		absent   []string
		contains string // substring of the verdict summary
	}{
		{
			name: "docker socket in home",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{entitlements.KeyNetworkClient: true}),
				Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
				Home:   testHome,
			},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present:  []string{"network-client-not-unix", "child-inherits-sandbox"},
			absent:   []string{"symlink-escapes", "file-exception-no-socket", "bookmark-no-socket", "path-too-long", "socket-stale"},
			contains: "outside the app container (/Users/user/Library/Containers/com.example.MyApp), outside every claimed group container (the app claims none) and not under /private/var/run",
		},
		{
			name:    "mysql socket in tmp",
			in:      Input{Target: sandboxedApp(nil), Socket: listening("/tmp/mysql.sock", socket.LocationTmp)},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			absent:   []string{"network-client-not-unix"},
			contains: "/private/tmp/mysql.sock is outside",
		},
		{
			name: "docker symlink from var run",
			in: Input{
				Target: sandboxedApp(nil),
				Socket: func() *socket.Info {
					info := listening("/var/run/docker.sock", socket.LocationHome)
					info.ResolvedPath = testHome + "/.docker/run/docker.sock"
					info.Hops = []socket.Hop{{From: "/private/var/run/docker.sock", To: testHome + "/.docker/run/docker.sock"}}
					return info
				}(),
				Home: testHome,
			},
			sandbox: SandboxDenied, decides: "symlink-escapes",
			present:  []string{"child-inherits-sandbox"},
			absent:   []string{"outside-sandbox-reach"},
			contains: "sandbox checks the resolved path /Users/user/.docker/run/docker.sock",
		},
		{
			name: "symlink inside own container",
			in: Input{
				Target: sandboxedApp(nil),
				Socket: func() *socket.Info {
					info := listening(testHome+"/Library/Containers/"+testBundle+"/Data/mysql.sock", socket.LocationTmp)
					info.ResolvedPath = "/private/tmp/mysql.sock"
					info.Hops = []socket.Hop{{From: info.Path, To: "/private/tmp/mysql.sock"}}
					return info
				}(),
				Home: testHome,
			},
			sandbox: SandboxDenied, decides: "symlink-escapes",
			absent: []string{"outside-sandbox-reach"},
		},
		{
			name: "tmp alias hop is no escaping symlink",
			in: Input{
				Target: sandboxedApp(nil),
				Socket: func() *socket.Info {
					info := listening("/tmp/mysql.sock", socket.LocationTmp)
					info.Hops = []socket.Hop{{From: "/tmp", To: "/private/tmp"}}
					return info
				}(),
				Home: testHome,
			},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			absent: []string{"symlink-escapes"},
		},
		{
			name: "1password group of another team",
			in: Input{
				Target: sandboxedApp(groups(testGroup)),
				Socket: func() *socket.Info {
					info := listening(testHome+"/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", socket.LocationOtherGroup)
					info.ContainerID, info.GroupTeamID = "2BUA8C4S2C.com.1password", "2BUA8C4S2C"
					return info
				}(),
				Process: "ssh",
			},
			sandbox: SandboxDenied, decides: "group-not-claimed",
			present:  []string{"child-inherits-sandbox"},
			absent:   []string{"outside-sandbox-reach"},
			contains: "belongs to team 2BUA8C4S2C, not the app's team ABCDE12345, so the app can never claim it",
		},
		{
			name: "own team group not claimed",
			in: Input{
				Target: sandboxedApp(nil),
				Socket: func() *socket.Info {
					info := listening(testHome+"/Library/Group Containers/ABCDE12345.other/s.sock", socket.LocationOtherGroup)
					info.ContainerID, info.GroupTeamID, info.SameTeam = "ABCDE12345.other", testTeam, true
					return info
				}(),
			},
			sandbox: SandboxDenied, decides: "group-not-claimed",
			contains: "adding it to com.apple.security.application-groups fixes this",
		},
		{
			name: "secretive container of another app",
			in: Input{
				Target: sandboxedApp(nil),
				Socket: func() *socket.Info {
					info := listening(testHome+"/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh", socket.LocationOtherAppContainer)
					info.ContainerID = "com.maxgoedjen.Secretive.SecretAgent"
					return info
				}(),
			},
			sandbox: SandboxDenied, decides: "other-app-container",
			absent: []string{"outside-sandbox-reach", "allowed-own-container", "group-not-claimed"},
		},
		{
			name:    "claimed group 103 bytes",
			in:      Input{Target: sandboxedApp(groups(testGroup)), Socket: listening(group103, socket.LocationAppGroup)},
			sandbox: SandboxAllowed, decides: "allowed-app-group",
			absent: []string{"path-too-long", "child-inherits-sandbox", "outside-sandbox-reach", "group-not-claimed", "allowed-own-container", "not-sandboxed"},
		},
		{
			name:    "claimed group 104 bytes",
			in:      Input{Target: sandboxedApp(groups(testGroup)), Socket: listening(group104, socket.LocationAppGroup)},
			sandbox: SandboxAllowed, decides: "allowed-app-group",
			present: []string{"path-too-long"},
		},
		{
			name:    "own container",
			in:      Input{Target: sandboxedApp(nil), Socket: listening(testHome+"/Library/Containers/"+testBundle+"/Data/tmp/s.sock", socket.LocationOwnContainer)},
			sandbox: SandboxAllowed, decides: "allowed-own-container",
			absent: []string{"child-inherits-sandbox", "allowed-app-group", "allowed-var-run", "not-sandboxed"},
		},
		{
			name: "var run refused by mode",
			in: Input{
				Target: sandboxedApp(nil),
				Socket: func() *socket.Info {
					info := withDial(listening("/var/run/tailscaled.socket", socket.LocationVarRun), socket.DialPermissionDenied, "EACCES")
					info.Mode, info.Owner, info.Writable = "srwx------", "root", false
					return info
				}(),
			},
			sandbox: SandboxAllowed, decides: "allowed-var-run",
			present: []string{"socket-permission"},
		},
		{
			name:    "var run bind",
			in:      Input{Target: sandboxedApp(nil), Socket: listening("/private/var/run/my.sock", socket.LocationVarRun), Operation: "bind"},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			absent:   []string{"allowed-var-run"},
			contains: "network-bind",
		},
		{
			name:    "ssh control master bind in home",
			in:      Input{Target: sandboxedApp(nil), Socket: listening(testHome+"/.ssh/cm-abc", socket.LocationHome), Operation: "bind", Process: "ssh"},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present:  []string{"child-inherits-sandbox"},
			contains: "the only places where bind is allowed",
		},
		{
			name:    "usbmuxd",
			in:      Input{Target: sandboxedApp(nil), Socket: listening("/var/run/usbmuxd", socket.LocationVarRun)},
			sandbox: SandboxDenied, decides: "system-socket-entitlement",
			absent: []string{"allowed-var-run", "sbpl-exception"},
		},
		{
			name: "usbmuxd with sbpl",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{entitlements.KeySBPL: []any{`(allow network-outbound (literal "/private/var/run/usbmuxd"))`}}),
				Socket: listening("/var/run/usbmuxd", socket.LocationVarRun),
			},
			sandbox: SandboxAllowed, decides: "sbpl-exception",
			absent: []string{"system-socket-entitlement"},
		},
		{
			name: "sbpl for another path",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{entitlements.KeySBPL: []any{`(allow network-outbound (literal "/private/var/run/other"))`}}),
				Socket: listening("/var/run/usbmuxd", socket.LocationVarRun),
			},
			sandbox: SandboxDenied, decides: "system-socket-entitlement",
			present: []string{"sbpl-exception"},
		},
		{
			name:    "cupsd without print",
			in:      Input{Target: sandboxedApp(nil), Socket: listening("/private/var/run/cupsd", socket.LocationVarRun)},
			sandbox: SandboxDenied, decides: "system-socket-entitlement",
			contains: "com.apple.security.print",
		},
		{
			name:    "cupsd with print",
			in:      Input{Target: sandboxedApp(entitlements.Dict{entitlements.KeyPrint: true}), Socket: listening("/private/var/run/cupsd", socket.LocationVarRun)},
			sandbox: SandboxAllowed, decides: "allowed-var-run",
		},
		{
			name:    "mDNSResponder without network client",
			in:      Input{Target: sandboxedApp(nil), Socket: listening("/var/run/mDNSResponder", socket.LocationVarRun)},
			sandbox: SandboxDenied, decides: "system-socket-entitlement",
			absent: []string{"network-client-not-unix"},
		},
		{
			name:    "mDNSResponder with network client",
			in:      Input{Target: sandboxedApp(entitlements.Dict{entitlements.KeyNetworkClient: true}), Socket: listening("/var/run/mDNSResponder", socket.LocationVarRun)},
			sandbox: SandboxAllowed, decides: "allowed-var-run",
			absent: []string{"network-client-not-unix"},
		},
		{
			name: "home relative file exception",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{
					entitlements.TemporaryExceptionPrefix + "files.home-relative-path.read-write": []any{"/.docker/"},
				}),
				Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
				Home:   testHome,
			},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present: []string{"file-exception-no-socket"},
		},
		{
			name: "absolute file exception elsewhere",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{
					entitlements.TemporaryExceptionPrefix + "files.absolute-path.read-write": []any{"/private/tmp/other.sock"},
				}),
				Socket: listening("/tmp/mysql.sock", socket.LocationTmp),
			},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			absent: []string{"file-exception-no-socket"},
		},
		{
			name: "absolute file exception through tmp alias",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{
					entitlements.TemporaryExceptionPrefix + "files.absolute-path.read-write": []any{"/tmp/mysql.sock"},
				}),
				Socket: listening("/tmp/mysql.sock", socket.LocationTmp),
			},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present: []string{"file-exception-no-socket"},
		},
		{
			name: "user selected files",
			in: Input{
				Target: sandboxedApp(entitlements.Dict{"com.apple.security.files.user-selected.read-write": true}),
				Socket: listening("/tmp/mysql.sock", socket.LocationTmp),
			},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present: []string{"bookmark-no-socket"},
		},
		{
			name: "user selected files but allowed",
			in: Input{
				Target: sandboxedApp(merge(groups(testGroup), entitlements.Dict{"com.apple.security.files.user-selected.read-write": true})),
				Socket: listening(testHome+"/Library/Group Containers/"+testGroup+"/s", socket.LocationAppGroup),
			},
			sandbox: SandboxAllowed, decides: "allowed-app-group",
			absent: []string{"bookmark-no-socket", "network-client-not-unix"},
		},
		{
			name: "not sandboxed",
			in: Input{
				Target: &entitlements.Target{BundleID: testBundle, Entitlements: entitlements.Dict{}},
				Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
			},
			sandbox: SandboxNotSandboxed, decides: "not-sandboxed",
			absent: []string{"outside-sandbox-reach", "child-inherits-sandbox"},
		},
		{
			name:    "curl spawned by the app",
			in:      Input{Target: sandboxedApp(nil), Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome), Process: "curl"},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present: []string{"child-inherits-sandbox"},
		},
		{
			name:    "app process itself denied",
			in:      Input{Target: sandboxedApp(nil), Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome), Process: "MyApp"},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			absent: []string{"child-inherits-sandbox"},
		},
		{
			name:    "unknown app outside every container",
			in:      Input{Socket: &socket.Info{Path: "/tmp/mysql.sock", ResolvedPath: "/private/tmp/mysql.sock", Location: socket.LocationTmp}, Process: "mysql"},
			sandbox: SandboxDenied, decides: "outside-sandbox-reach",
			present: []string{"child-inherits-sandbox"},
			absent:  []string{"socket-missing", "not-a-socket"},
		},
		{
			name: "app without bundle ID in a container",
			in: Input{
				Target: &entitlements.Target{Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true}},
				Socket: &socket.Info{
					Path: testHome + "/Library/Containers/com.x/Data/s", ResolvedPath: testHome + "/Library/Containers/com.x/Data/s",
					Location: socket.LocationOtherAppContainer, ContainerID: "com.x",
				},
			},
			sandbox: SandboxUnknown, decides: "bundle-id-unknown",
			absent:   []string{"other-app-container"},
			contains: "pass --bundle-id",
		},
		{
			name: "unknown app in a container",
			in: Input{Socket: &socket.Info{
				Path: testHome + "/Library/Containers/com.x/Data/s", ResolvedPath: testHome + "/Library/Containers/com.x/Data/s",
				Location: socket.LocationOtherAppContainer, ContainerID: "com.x",
			}},
			sandbox: SandboxUnknown, decides: "bundle-id-unknown",
			absent: []string{"other-app-container"},
		},
		{
			name: "unknown app in a group container",
			in: Input{Socket: &socket.Info{
				Path: testHome + "/Library/Group Containers/ABCDE12345.ex/d.sock", ResolvedPath: testHome + "/Library/Group Containers/ABCDE12345.ex/d.sock",
				Location: socket.LocationOtherGroup, ContainerID: "ABCDE12345.ex", GroupTeamID: "ABCDE12345",
			}},
			sandbox: SandboxUnknown, decides: "app-unknown",
			absent:   []string{"group-not-claimed"},
			contains: "pass --app",
		},
		{
			name: "team placeholder in a claimed group",
			in: Input{
				Target: &entitlements.Target{TeamID: "ABCDE12345", BundleID: "com.example.App", Entitlements: entitlements.Dict{
					entitlements.KeyAppSandbox:        true,
					entitlements.KeyApplicationGroups: []any{"$(TeamIdentifierPrefix)ex"},
				}},
				Socket: &socket.Info{
					Path: testHome + "/Library/Group Containers/ABCDE12345.ex/d.sock", ResolvedPath: testHome + "/Library/Group Containers/ABCDE12345.ex/d.sock",
					Location: socket.LocationOtherGroup, ContainerID: "ABCDE12345.ex", GroupTeamID: "ABCDE12345", SameTeam: true,
				},
			},
			sandbox: SandboxUnknown, decides: "unresolved-placeholder",
			absent:   []string{"group-not-claimed"},
			contains: "--var TeamIdentifierPrefix=ABCDE12345.",
		},
		{
			name: "placeholder that cannot match the group",
			in: Input{
				Target: &entitlements.Target{TeamID: "ABCDE12345", BundleID: "com.example.App", Entitlements: entitlements.Dict{
					entitlements.KeyAppSandbox:        true,
					entitlements.KeyApplicationGroups: []any{"$(TeamIdentifierPrefix)other"},
				}},
				Socket: &socket.Info{
					Path: testHome + "/Library/Group Containers/ABCDE12345.ex/d.sock", ResolvedPath: testHome + "/Library/Group Containers/ABCDE12345.ex/d.sock",
					Location: socket.LocationOtherGroup, ContainerID: "ABCDE12345.ex", GroupTeamID: "ABCDE12345", SameTeam: true,
				},
			},
			sandbox: SandboxDenied, decides: "group-not-claimed",
		},
		{
			name: "placeholder in the bundle ID",
			in: Input{
				Target: &entitlements.Target{BundleID: "com.example.$(PRODUCT_NAME:rfc1034identifier)", Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: true}},
				Socket: &socket.Info{
					Path: testHome + "/Library/Containers/com.example.Tool/Data/s", ResolvedPath: testHome + "/Library/Containers/com.example.Tool/Data/s",
					Location: socket.LocationOtherAppContainer, ContainerID: "com.example.Tool",
				},
			},
			sandbox: SandboxUnknown, decides: "unresolved-placeholder",
			absent:   []string{"other-app-container"},
			contains: "--var PRODUCT_NAME=Tool",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(tt.in)
			rules := findingRules(d.Findings)
			recordFindings("TestDiagnose", rules)

			if d.Verdict.Sandbox != tt.sandbox {
				t.Errorf("verdict = %q, want %q (summary %q)", d.Verdict.Sandbox, tt.sandbox, d.Verdict.Summary)
			}
			if d.Verdict.Rule != tt.decides {
				t.Errorf("deciding rule = %q, want %q; findings %v", d.Verdict.Rule, tt.decides, rules)
			}
			if tt.decides != "" && !slices.Contains(rules, tt.decides) {
				t.Errorf("deciding rule %q missing from findings %v", tt.decides, rules)
			}
			for _, id := range tt.present {
				if !slices.Contains(rules, id) {
					t.Errorf("finding %q missing from %v", id, rules)
				}
			}
			for _, id := range tt.absent {
				if slices.Contains(rules, id) {
					t.Errorf("unexpected finding %q in %v", id, rules)
				}
			}
			if !strings.Contains(d.Verdict.Summary, tt.contains) {
				t.Errorf("summary %q does not contain %q", d.Verdict.Summary, tt.contains)
			}
		})
	}
}

func BenchmarkDiagnose(b *testing.B) {
	in := Input{
		Target: sandboxedApp(merge(groups(testGroup), entitlements.Dict{entitlements.KeyNetworkClient: true})),
		Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
		Home:   testHome,
	}
	for b.Loop() {
		Diagnose(in)
	}
}

func TestDiagnoseSocketState(t *testing.T) {
	docker := testHome + "/.docker/run/docker.sock"
	tests := []struct {
		name   string
		info   *socket.Info
		op     string
		want   string // the one state finding, "" for none
		reason string // substring of its message
	}{
		{name: "connected", info: listening(docker, socket.LocationHome)},
		{name: "stale", info: withDial(listening(docker, socket.LocationHome), socket.DialRefused, "ECONNREFUSED"), want: "socket-stale"},
		{
			name: "datagram server",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialWrongType, "EPROTOTYPE")
				info.Dial.ServerType = "datagram"
				return info
			}(),
			want: "socket-wrong-type", reason: "datagram",
		},
		{
			name: "regular file",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialNotASocket, "")
				info.Type, info.Mode = "file", "-rw-r--r--"
				return info
			}(),
			want: "not-a-socket", reason: "regular file",
		},
		{
			name: "missing",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialNotFound, "ENOENT")
				info.Exists, info.Type, info.Mode, info.Owner = false, "missing", "", ""
				return info
			}(),
			want: "socket-missing",
		},
		{
			name: "directory without search permission",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialPermissionDenied, "EACCES")
				info.Exists, info.Type, info.BlockingDir = false, "missing", testHome+"/.docker/run"
				return info
			}(),
			want: "socket-permission", reason: "cannot search the directory /Users/user/.docker/run",
		},
		{
			name: "socket mode",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialPermissionDenied, "EACCES")
				info.Mode, info.Owner = "srwx------", "root"
				return info
			}(),
			want: "socket-permission", reason: "srwx------",
		},
		{
			name: "socket mode without dial",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialSkipped, "")
				info.Mode, info.Owner, info.Writable = "srwx------", "root", false
				return info
			}(),
			want: "socket-permission",
		},
		{
			name: "unreadable folder",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialPermissionDenied, "EACCES")
				info.Exists, info.Type, info.Mode, info.Owner = false, "unknown", "", ""
				return info
			}(),
			want: "socket-permission", reason: "stat could not read",
		},
		{
			name: "unreadable folder without dial",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialSkipped, "")
				info.Exists, info.Type, info.Mode, info.Owner = false, "unknown", "", ""
				return info
			}(),
		},
		{name: "skipped dial", info: withDial(listening(docker, socket.LocationHome), socket.DialSkipped, "")},
		{name: "timeout", info: withDial(listening(docker, socket.LocationHome), socket.DialTimeout, ""), want: "dial-timeout"},
		{name: "backlog full", info: withDial(listening(docker, socket.LocationHome), socket.DialBusy, "EAGAIN"), want: "socket-busy"},
		{name: "eperm", info: withDial(listening(docker, socket.LocationHome), socket.DialNotPermitted, "EPERM"), want: "dial-not-permitted"},
		{
			name: "symlink loop",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialFailed, "ELOOP")
				info.Type, info.ResolveError = "symlink", "too many levels of symbolic links"
				return info
			}(),
			want: "not-a-socket", reason: "too many levels",
		},
		{name: "bind on a listening socket", info: listening(docker, socket.LocationHome), op: "bind", want: "bind-address-in-use", reason: "server already listens"},
		{name: "bind on a stale socket", info: withDial(listening(docker, socket.LocationHome), socket.DialRefused, "ECONNREFUSED"), op: "bind", want: "bind-address-in-use", reason: "removes it first"},
		{
			name: "bind on missing path",
			info: func() *socket.Info {
				info := withDial(listening(docker, socket.LocationHome), socket.DialSkipped, "")
				info.Exists, info.Type = false, "missing"
				return info
			}(),
			op: "bind",
		},
	}

	stateRules := []string{"socket-missing", "not-a-socket", "socket-permission", "socket-stale", "socket-wrong-type", "dial-timeout", "socket-busy", "dial-not-permitted", "bind-address-in-use"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(Input{Target: sandboxedApp(nil), Socket: tt.info, Operation: tt.op})
			recordFindings("TestDiagnoseSocketState", findingRules(d.Findings))
			var got []Finding
			for _, f := range d.Findings {
				if slices.Contains(stateRules, f.Rule) {
					got = append(got, f)
				}
			}

			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("state findings = %v, want none", findingRules(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("state findings = %v, want only %q", findingRules(got), tt.want)
			}
			if got[0].Rule != tt.want {
				t.Errorf("state finding = %q, want %q", got[0].Rule, tt.want)
			}
			if !strings.Contains(got[0].Message, tt.reason) {
				t.Errorf("message %q does not contain %q", got[0].Message, tt.reason)
			}
			if d.Verdict.Rule == tt.want {
				t.Errorf("state finding %q decides the sandbox verdict", tt.want)
			}
		})
	}
}

func TestSocketMissingListsUsualPlaces(t *testing.T) {
	info := withDial(listening(testHome+"/.docker/run/docker.sock", socket.LocationHome), socket.DialNotFound, "ENOENT")
	info.Exists, info.Type = false, "missing"
	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: testHome})

	var missing *Finding
	for i := range d.Findings {
		if d.Findings[i].Rule == "socket-missing" {
			missing = &d.Findings[i]
		}
	}
	if missing == nil {
		t.Fatalf("socket-missing not raised: %v", findingRules(d.Findings))
	}
	if !anyContains(missing.Evidence, "Docker Desktop listens on ~/.docker/run/docker.sock") || !anyContains(missing.Evidence, "--preset docker") {
		t.Errorf("evidence does not name Docker Desktop's usual paths: %q", missing.Evidence)
	}
	if anyContains(missing.Evidence, "OrbStack") {
		t.Errorf("evidence lists other servers although the path matches Docker Desktop exactly: %q", missing.Evidence)
	}
}

func TestDiagnoseWithoutSocket(t *testing.T) {
	d := Diagnose(Input{Target: sandboxedApp(nil)})
	if d.Verdict.Sandbox != SandboxUnknown {
		t.Errorf("verdict = %q, want %q", d.Verdict.Sandbox, SandboxUnknown)
	}
	if len(d.Findings) != 0 {
		t.Errorf("findings = %v, want none", findingRules(d.Findings))
	}
}

func TestDiagnoseWorkaroundsPerChannel(t *testing.T) {
	in := Input{Target: sandboxedApp(nil), Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome)}

	in.Distribution = DistributionMAS
	mas := decidingFinding(t, Diagnose(in))
	if !anyContains(mas.Workaround, "no supported way") {
		t.Errorf("Mac App Store workarounds lack the no-supported-way advice: %q", mas.Workaround)
	}
	if anyContains(mas.Workaround, "XPC service") {
		t.Errorf("Mac App Store workarounds offer the XPC service: %q", mas.Workaround)
	}

	in.Distribution = DistributionDeveloperID
	devID := decidingFinding(t, Diagnose(in))
	if !anyContains(devID.Workaround, "XPC service") {
		t.Errorf("Developer ID workarounds lack the XPC service: %q", devID.Workaround)
	}

	in.Distribution = DistributionUnknown
	unknown := decidingFinding(t, Diagnose(in))
	if !anyContains(unknown.Workaround, "Mac App Store: ") || !anyContains(unknown.Workaround, "Developer ID: ") {
		t.Errorf("workarounds for an unknown channel are not labelled per channel: %q", unknown.Workaround)
	}
}

func TestDiagnoseDeterministic(t *testing.T) {
	in := Input{
		Target: sandboxedApp(merge(entitlements.Dict{entitlements.KeyNetworkClient: true, "com.apple.security.files.user-selected.read-only": true})),
		Socket: withDial(listening(testHome+"/.docker/run/docker.sock", socket.LocationHome), socket.DialRefused, "ECONNREFUSED"),
	}
	first := Diagnose(in)
	for range 20 {
		again := Diagnose(in)
		if !slices.Equal(findingRules(first.Findings), findingRules(again.Findings)) {
			t.Fatalf("finding order changed: %v then %v", findingRules(first.Findings), findingRules(again.Findings))
		}
	}
	for i := 1; i < len(first.Findings); i++ {
		if first.Findings[i-1].Severity.Rank() < first.Findings[i].Severity.Rank() {
			t.Errorf("findings not sorted by severity: %v", findingRules(first.Findings))
		}
	}
}

func TestCatalogDocumentsEveryRule(t *testing.T) {
	for _, id := range []string{
		"outside-sandbox-reach", "other-app-container", "group-not-claimed", "symlink-escapes",
		"system-socket-entitlement", "file-exception-no-socket", "bookmark-no-socket", "network-client-not-unix",
		"sbpl-exception", "child-inherits-sandbox", "allowed-own-container", "allowed-app-group", "allowed-var-run",
		"not-sandboxed", "path-too-long", "socket-missing", "not-a-socket", "socket-permission", "socket-stale",
		"socket-wrong-type", "dial-timeout", "dial-not-permitted",
	} {
		r, ok := Lookup(id)
		if !ok {
			t.Errorf("rule %q is not registered", id)
			continue
		}
		if r.Title == "" || r.Summary == "" || len(r.Doc) < 200 {
			t.Errorf("rule %q lacks a title, summary or documentation", id)
		}
	}
}

func decidingFinding(t *testing.T, d Diagnosis) Finding {
	t.Helper()
	for _, f := range d.Findings {
		if f.Rule == d.Verdict.Rule {
			return f
		}
	}
	t.Fatalf("no finding for deciding rule %q", d.Verdict.Rule)
	return Finding{}
}

func findingRules(findings []Finding) []string {
	ids := make([]string, len(findings))
	for i, f := range findings {
		ids[i] = f.Rule
	}
	return ids
}

func anyContains(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func TestSBPLUnresolvedPathAdvice(t *testing.T) {
	in := Input{
		Target: sandboxedApp(entitlements.Dict{entitlements.KeySBPL: []any{`(allow network-outbound (literal "/tmp/mysql.sock"))`}}),
		Socket: listening("/tmp/mysql.sock", socket.LocationTmp),
	}
	d := Diagnose(in)
	if d.Verdict.Sandbox != SandboxDenied {
		t.Fatalf("verdict = %q, want %q", d.Verdict.Sandbox, SandboxDenied)
	}

	var sbpl *Finding
	for i := range d.Findings {
		if d.Findings[i].Rule == "sbpl-exception" {
			sbpl = &d.Findings[i]
		}
	}
	if sbpl == nil {
		t.Fatalf("no sbpl-exception finding in %v", findingRules(d.Findings))
	}
	if strings.Contains(sbpl.Title, "allows") {
		t.Errorf("title %q claims the exception allows the socket", sbpl.Title)
	}
	if !strings.Contains(sbpl.Message, "stays denied") {
		t.Errorf("message %q does not say the socket stays denied", sbpl.Message)
	}
	want := `(literal "/private/tmp/mysql.sock")`
	if len(sbpl.Workaround) == 0 || !strings.Contains(sbpl.Workaround[0], want) {
		t.Errorf("workaround %q does not name %s", sbpl.Workaround, want)
	}
}

func TestBindAdviceOnlyForBind(t *testing.T) {
	for _, op := range []string{socket.OperationConnect, socket.OperationBind} {
		t.Run(op, func(t *testing.T) {
			d := Diagnose(Input{
				Target:    sandboxedApp(nil),
				Socket:    listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
				Operation: op,
				Home:      testHome,
			})
			var shown bool
			for _, f := range d.Findings {
				if slices.Contains(f.Workaround, bindInContainer) {
					shown = true
				}
			}
			if want := op == socket.OperationBind; shown != want {
				t.Errorf("bind workaround shown = %t, want %t", shown, want)
			}
		})
	}
}

func TestMissingSocketNamesItsOwnPreset(t *testing.T) {
	info := withDial(listening("/var/run/docker.sock", socket.LocationVarRun), socket.DialNotFound, "ENOENT")
	info.Exists, info.Type = false, "missing"
	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: testHome})

	var evidence []string
	for _, f := range d.Findings {
		if f.Rule == "socket-missing" {
			evidence = f.Evidence
		}
	}
	joined := strings.Join(evidence, "\n")
	if !strings.Contains(joined, "--preset docker") {
		t.Errorf("evidence does not name the docker preset:\n%s", joined)
	}
	if strings.Contains(joined, "Colima") {
		t.Errorf("evidence lists presets that only share the file name, though one matches the path:\n%s", joined)
	}
}

func TestSystemSocketUnknownAppAssumed(t *testing.T) {
	for _, name := range []string{"mDNSResponder", "cupsd"} {
		info := listening("/private/var/run/"+name, socket.LocationVarRun)

		unknown := Diagnose(Input{Socket: info, Operation: "connect", Distribution: DistributionDeveloperID, Home: testHome})
		if !strings.Contains(unknown.Verdict.Summary, "which the app is assumed to lack (pass --app or --entitlements)") {
			t.Errorf("%s, unknown app: summary = %q, want the entitlement stated as assumed", name, unknown.Verdict.Summary)
		}

		known := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Operation: "connect", Distribution: DistributionDeveloperID, Home: testHome})
		if !strings.HasSuffix(known.Verdict.Summary, "which the app lacks") {
			t.Errorf("%s, known app: summary = %q, want it to end with \"which the app lacks\"", name, known.Verdict.Summary)
		}
	}
}

func TestAppEvidenceMarked(t *testing.T) {
	info := listening("/Users/user/.docker/run/docker.sock", socket.LocationHome)
	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Operation: "connect", Distribution: DistributionDeveloperID, Home: testHome,
		Assumed: []string{"a caller's assumption"}})
	decider := d.Findings[0]
	want := []string{"bundle ID: " + testBundle, "team ID: " + testTeam, "com.apple.security.app-sandbox: true", "claimed app groups: none"}
	if !slices.Equal(decider.AppEvidence, want) {
		t.Errorf("AppEvidence = %q, want %q", decider.AppEvidence, want)
	}
	for _, line := range want {
		if !slices.Contains(decider.Evidence, line) {
			t.Errorf("Evidence lacks the app line %q", line)
		}
	}
	if slices.Contains(decider.AppEvidence, "assumed: a caller's assumption") {
		t.Error("AppEvidence contains the caller's assumption")
	}

	unknown := Diagnose(Input{Socket: info, Operation: "connect", Distribution: DistributionDeveloperID, Home: testHome})
	wantUnknown := "app: unknown; assumed sandboxed, with no app group, no network or print entitlement and no exception"
	if got := unknown.Findings[0].AppEvidence; !slices.Equal(got, []string{wantUnknown}) {
		t.Errorf("unknown app: AppEvidence = %q, want %q", got, wantUnknown)
	}
}

// TestCatalogRulesCiteSources checks that every rule's documentation has
// a Sources section: either references, which `sockdoctor rules ID` prints
// under "Sources:", or a "**Sources.**" paragraph in the Doc text.
func TestCatalogRulesCiteSources(t *testing.T) {
	for _, r := range Catalog() {
		if len(r.References) == 0 && !strings.Contains(r.Doc, "**Sources.**") {
			t.Errorf("rule %q has no references and no Sources paragraph", r.ID)
		}
		for _, ref := range r.References {
			if !strings.HasPrefix(ref, "https://") {
				t.Errorf("rule %q reference %q is not an https URL", r.ID, ref)
			}
		}
	}
}
