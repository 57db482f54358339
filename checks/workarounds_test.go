package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// otherGroupSocket returns a socket in the container of groupID, which the
// app does not claim.
func otherGroupSocket(groupID string) *socket.Info {
	info := listening(testHome+"/Library/Group Containers/"+groupID+"/s.sock", socket.LocationOtherGroup)
	info.ContainerID = groupID
	info.GroupTeamID = socket.TeamPrefix(groupID)
	return info
}

func TestGroupNotClaimedWorkaroundsFollowTeam(t *testing.T) {
	tests := []struct {
		name    string
		group   string
		dist    Distribution
		want    string // in some workaround
		wantNot string // in no workaround
	}{
		{name: "other team mas", group: "2BUA8C4S2C.com.1password", dist: DistributionMAS, want: "no supported way", wantNot: "application-groups"},
		{name: "other team developer id", group: "2BUA8C4S2C.com.1password", dist: DistributionDeveloperID, want: "XPC service", wantNot: "application-groups"},
		{name: "other team unknown channel", group: "2BUA8C4S2C.com.1password", dist: DistributionUnknown, want: "no supported way", wantNot: "Add the group"},
		{name: "own team mas", group: testTeam + ".other", dist: DistributionMAS, want: "Add the group", wantNot: "another team"},
		{name: "own team developer id", group: testTeam + ".other", dist: DistributionDeveloperID, want: "Add the group", wantNot: "XPC service"},
		{name: "no team prefix", group: "group.com.example.other", dist: DistributionMAS, want: "If the group belongs to another team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(Input{Target: sandboxedApp(nil), Socket: otherGroupSocket(tt.group), Home: testHome, Distribution: tt.dist})
			fd := findingByRule(t, d.Findings, "group-not-claimed")
			joined := strings.Join(fd.Workaround, "\n")
			if !strings.Contains(joined, tt.want) {
				t.Errorf("workarounds %q lack %q", fd.Workaround, tt.want)
			}
			if tt.wantNot != "" && strings.Contains(joined, tt.wantNot) {
				t.Errorf("workarounds %q contain %q, which contradicts the message %q", fd.Workaround, tt.wantNot, fd.Message)
			}
		})
	}
}

func TestGroupNotClaimedMessageSentences(t *testing.T) {
	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: otherGroupSocket("2BUA8C4S2C.com.1password"), Home: testHome})
	if strings.Contains(d.Verdict.Summary, ";") {
		t.Errorf("summary %q chains clauses with a semicolon", d.Verdict.Summary)
	}
	if !strings.Contains(d.Verdict.Summary, "can never claim it") {
		t.Errorf("summary %q does not say the app can never claim the group", d.Verdict.Summary)
	}
}

func TestBindDenialLeadsWithBindAdvice(t *testing.T) {
	sockets := map[string]*socket.Info{
		"outside":     listening(testHome+"/.ssh/cm.sock", socket.LocationHome),
		"other group": otherGroupSocket("2BUA8C4S2C.com.1password"),
	}
	for name, info := range sockets {
		for _, dist := range []Distribution{DistributionMAS, DistributionDeveloperID, DistributionUnknown} {
			t.Run(name+" "+string(dist), func(t *testing.T) {
				in := *info
				d := Diagnose(Input{Target: sandboxedApp(nil), Socket: &in, Home: testHome, Operation: socket.OperationBind, Distribution: dist})
				if d.Verdict.Sandbox != SandboxDenied {
					t.Fatalf("verdict = %q, want denied", d.Verdict.Sandbox)
				}
				fd := findingByRule(t, d.Findings, d.Verdict.Rule)
				if len(fd.Workaround) == 0 || fd.Workaround[0] != bindInContainer {
					t.Errorf("first workaround = %q, want the bind advice", fd.Workaround)
				}
				for _, f := range d.Findings {
					for _, w := range f.Workaround {
						if strings.Contains(w, "another team's server creates") {
							t.Errorf("%s workaround %q is connect-only advice", f.Rule, w)
						}
					}
				}
			})
		}
	}
}

func TestWorkaroundLabelNotRepeated(t *testing.T) {
	for _, r := range Catalog() {
		for _, w := range r.WorkaroundFor(DistributionUnknown) {
			for _, d := range []Distribution{DistributionMAS, DistributionDeveloperID, DistributionDevelopment} {
				label := channelLabel(d)
				rest, ok := strings.CutPrefix(w, label+": ")
				if !ok {
					continue
				}
				if strings.HasPrefix(rest, label) || strings.HasPrefix(rest, "A "+label) || strings.HasPrefix(rest, "The "+label) {
					t.Errorf("%s: workaround %q repeats its label %q", r.ID, w, label)
				}
			}
		}
	}
}

func TestSBPLDenyOverridesProfile(t *testing.T) {
	own := testHome + "/Library/Containers/" + testBundle + "/Data/s.sock"
	ownDir := testHome + "/Library/Containers/" + testBundle
	tests := []struct {
		name string
		sbpl []any
		want string
	}{
		{name: "deny in own container", sbpl: []any{`(deny network-outbound (subpath "` + ownDir + `"))`}, want: SandboxDenied},
		{name: "later allow wins", sbpl: []any{`(deny network-outbound (subpath "` + ownDir + `"))`, `(allow network-outbound (literal "` + own + `"))`}, want: SandboxAllowed},
		{name: "later deny wins in one string", sbpl: []any{`(allow network-outbound (literal "` + own + `")) (deny network* (subpath "` + ownDir + `"))`}, want: SandboxDenied},
		{name: "deny of another path", sbpl: []any{`(deny network-outbound (literal "/private/tmp/x.sock"))`}, want: SandboxAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := sandboxedApp(entitlements.Dict{entitlements.KeySBPL: tt.sbpl})
			d := Diagnose(Input{Target: app, Socket: listening(own, socket.LocationOwnContainer), Home: testHome})
			if d.Verdict.Sandbox != tt.want {
				t.Errorf("verdict = %q (%s), want %q", d.Verdict.Sandbox, d.Verdict.Summary, tt.want)
			}
			if tt.want == SandboxDenied {
				fd := findingByRule(t, d.Findings, "sbpl-exception")
				if fd.Severity != SeverityError {
					t.Errorf("deciding sbpl-exception severity = %q, want error", fd.Severity)
				}
			}
		})
	}
}

func TestSpecialSocketsMatchFullPath(t *testing.T) {
	app := sandboxedApp(nil)
	fake := listening(testHome+"/Library/Containers/"+testBundle+"/Data/mDNSResponder", socket.LocationOwnContainer)
	d := Diagnose(Input{Target: app, Socket: fake, Home: testHome})
	if d.Verdict.Rule != "allowed-own-container" {
		t.Errorf("deciding rule = %q, want allowed-own-container for a file merely named mDNSResponder", d.Verdict.Rule)
	}

	netApp := sandboxedApp(entitlements.Dict{entitlements.KeyNetworkClient: true})
	other := listening(testHome+"/mDNSResponder", socket.LocationHome)
	d = Diagnose(Input{Target: netApp, Socket: other, Home: testHome})
	if !slices.Contains(findingRules(d.Findings), "network-client-not-unix") {
		t.Errorf("findings %v lack network-client-not-unix for %s", findingRules(d.Findings), other.Path)
	}
}

func TestOutsideReachStatesFileGrantsDoNotHelp(t *testing.T) {
	d := Diagnose(Input{
		Target: sandboxedApp(nil),
		Socket: listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
		Home:   testHome,
	})
	decider := decidingFinding(t, d)
	if decider.Rule != "outside-sandbox-reach" {
		t.Fatalf("deciding rule = %q, want outside-sandbox-reach", decider.Rule)
	}
	if !anyContains(decider.Evidence, "files.* temporary exceptions") {
		t.Errorf("evidence does not name files.* exceptions: %q", decider.Evidence)
	}
	if !anyContains(decider.Evidence, "bookmarks extend file access only, so none of them would cover network-outbound") {
		t.Errorf("evidence does not say file grants miss network-outbound: %q", decider.Evidence)
	}
	if slices.Contains(findingRules(d.Findings), "file-exception-no-socket") {
		t.Errorf("file-exception-no-socket raised for an app without a file exception: %v", findingRules(d.Findings))
	}
}

func TestContainerEngineOffersOwnContainers(t *testing.T) {
	tests := []struct {
		name string
		path string
		dist Distribution
		want int // lines that offer the Virtualization framework
	}{
		{name: "docker for the store", path: testHome + "/.docker/run/docker.sock", dist: DistributionMAS, want: 1},
		{name: "colima for developer id", path: testHome + "/.colima/work/docker.sock", dist: DistributionDeveloperID, want: 1},
		{name: "orbstack for both channels", path: testHome + "/.orbstack/run/docker.sock", dist: DistributionUnknown, want: 2},
		{name: "podman machine", path: "/private/var/folders/ab/cd/T/podman/podman-machine-default-api.sock", dist: DistributionMAS, want: 1},
		{name: "development channel", path: testHome + "/.docker/run/docker.sock", dist: DistributionDevelopment, want: 0},
		{name: "mysql", path: "/tmp/mysql.sock", dist: DistributionMAS, want: 0},
		{name: "gpg agent", path: testHome + "/.gnupg/S.gpg-agent", dist: DistributionDeveloperID, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(Input{
				Target:       sandboxedApp(nil),
				Socket:       listening(tt.path, socket.LocationHome),
				Home:         testHome,
				Distribution: tt.dist,
			})
			decider := decidingFinding(t, d)
			if decider.Rule != "outside-sandbox-reach" {
				t.Fatalf("deciding rule = %q, want outside-sandbox-reach", decider.Rule)
			}
			var got int
			for _, w := range decider.Workaround {
				if strings.Contains(w, "Virtualization framework") {
					got++
				}
			}
			if got != tt.want {
				t.Errorf("%d workarounds offer the Virtualization framework, want %d: %q", got, tt.want, decider.Workaround)
			}
		})
	}
}

func TestDockerSymlinkOffersOwnContainers(t *testing.T) {
	info := listening("/var/run/docker.sock", socket.LocationHome)
	info.ResolvedPath = testHome + "/.docker/run/docker.sock"
	info.Hops = []socket.Hop{{From: "/private/var/run/docker.sock", To: info.ResolvedPath}}
	d := Diagnose(Input{Target: sandboxedApp(nil), Socket: info, Home: testHome, Distribution: DistributionMAS})

	decider := decidingFinding(t, d)
	if decider.Rule != "symlink-escapes" {
		t.Fatalf("deciding rule = %q, want symlink-escapes", decider.Rule)
	}
	if !anyContains(decider.Workaround, "Virtualization framework") {
		t.Errorf("workarounds lack the Virtualization framework: %q", decider.Workaround)
	}
}

func TestSBPLDenyOverUnknownProfile(t *testing.T) {
	path := testHome + "/Library/Containers/com.example.Other/Data/s.sock"
	info := listening(path, socket.LocationOtherAppContainer)
	info.ContainerID = "com.example.Other"
	app := sandboxedApp(entitlements.Dict{entitlements.KeySBPL: []any{`(deny network-outbound (literal "` + path + `"))`}})
	app.BundleID = ""

	d := Diagnose(Input{Target: app, Socket: info, Home: testHome})
	decider := decidingFinding(t, d)
	if decider.Rule != "sbpl-exception" {
		t.Fatalf("deciding rule = %q, want sbpl-exception", decider.Rule)
	}
	if !strings.Contains(decider.Message, "may allow (bundle-id-unknown)") {
		t.Errorf("message %q does not say the built-in profile may allow", decider.Message)
	}
	if strings.Contains(decider.Message, "profile allows") {
		t.Errorf("message %q claims the built-in profile allows the socket", decider.Message)
	}
}

func TestContainerEngineBindNoOwnContainers(t *testing.T) {
	d := Diagnose(Input{
		Target:       sandboxedApp(nil),
		Socket:       listening(testHome+"/.docker/run/docker.sock", socket.LocationHome),
		Operation:    socket.OperationBind,
		Home:         testHome,
		Distribution: DistributionMAS,
	})
	decider := decidingFinding(t, d)
	if anyContains(decider.Workaround, "Virtualization framework") {
		t.Errorf("bind workarounds offer the Virtualization framework: %q", decider.Workaround)
	}
}
