package explain

import (
	"slices"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/sandboxlog"
)

// explainLine parses line and explains it as a group of one.
func explainLine(t *testing.T, line string, opts Options) report.Denial {
	t.Helper()
	ev, ok := sandboxlog.ParseLine(line)
	if !ok {
		t.Fatalf("ParseLine(%q) found no event", line)
	}
	return Explain(&sandboxlog.Group{Event: ev, Count: 1}, opts)
}

// sandboxedApp returns an app target with the sandbox and the given extra
// entitlements set to true.
func sandboxedApp(keys ...string) *entitlements.Target {
	dict := entitlements.Dict{entitlements.KeyAppSandbox: true}
	for _, k := range keys {
		dict[k] = true
	}
	return &entitlements.Target{Path: "MyApp.app", Kind: entitlements.KindApp, BundleID: "com.example.MyApp", TeamID: "ABCDE12345", Entitlements: dict}
}

func ruleIDs(findings []checks.Finding) []string {
	ids := make([]string, len(findings))
	for i, f := range findings {
		ids[i] = f.Rule
	}
	return ids
}

func TestExplainDiagnoses(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		opts     Options
		kind     string
		sandbox  string // verdict; "" for kinds without one
		decider  string
		findings []string // rule IDs in report order
		meaning  string   // a substring of the meaning; "" for none
	}{
		{
			name:     "docker socket from curl",
			line:     "Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "outside-sandbox-reach",
			findings: []string{"outside-sandbox-reach", "child-inherits-sandbox"},
			meaning:  "connect(2) to a Unix socket path (network-outbound)",
		},
		{
			name:     "ssh to another team's group container",
			line:     "kernel: (Sandbox) Sandbox: ssh(68324) deny(1) network-outbound /Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "group-not-claimed",
			findings: []string{"group-not-claimed", "child-inherits-sandbox"},
		},
		{
			name:     "ssh to another team's group container with the app",
			line:     "Sandbox: ssh(68324) deny(1) network-outbound /Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock",
			opts:     Options{Target: sandboxedApp()},
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "group-not-claimed",
			findings: []string{"group-not-claimed", "child-inherits-sandbox"},
		},
		{
			name:     "mDNSResponder without network.client",
			line:     "Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder",
			opts:     Options{Target: sandboxedApp()},
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "system-socket-entitlement",
			findings: []string{"system-socket-entitlement"},
		},
		{
			name:     "mDNSResponder with network.client",
			line:     "Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder",
			opts:     Options{Target: sandboxedApp(entitlements.KeyNetworkClient)},
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "denied-despite-rules",
			findings: []string{"denied-despite-rules", "allowed-var-run"},
		},
		{
			name:     "mDNSResponder from dnssd",
			line:     "dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "system-socket-entitlement",
			findings: []string{"system-socket-entitlement"},
		},
		{
			name:     "MySQL socket denied",
			line:     "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/tmp/mysql.sock' (1)",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "outside-sandbox-reach",
			findings: []string{"outside-sandbox-reach"},
		},
		{
			name:     "mDNSResponder from nc",
			line:     "Sandbox: nc(46726) deny(1) network-outbound /private/var/run/mDNSResponder",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "system-socket-entitlement",
			findings: []string{"system-socket-entitlement", "child-inherits-sandbox"},
		},
		{
			name:     "socket of an app that is not sandboxed",
			line:     "Sandbox: SampleApp(12447) deny(1) network-outbound /Users/user/.docker/run/docker.sock",
			opts:     Options{Target: &entitlements.Target{BundleID: "com.example.MyApp", Entitlements: entitlements.Dict{}}},
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "denied-despite-rules",
			findings: []string{"denied-despite-rules", "not-sandboxed"},
		},
		{
			name:     "bind in the temporary folder",
			line:     "Sandbox: QuickSample(2132) deny(1) network-bind /private/var/folders/xy/abcdef1234567890/T/com.electron.quicksample/S/SingletonSocket",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "outside-sandbox-reach",
			findings: []string{"outside-sandbox-reach"},
			meaning:  "bind(2) of a Unix socket path",
		},
		{
			name:     "ssh bind denied",
			line:     "unix_listener: cannot bind to path /Users/me/.ssh/cm-me@host:22: Operation not permitted",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "outside-sandbox-reach",
			findings: []string{"outside-sandbox-reach"},
			meaning:  "(network-bind)",
		},
		{
			name:     "ssh bind address in use",
			line:     "unix_listener: cannot bind to path /tmp/podman.sock: Address already in use",
			kind:     report.DenialSocketError,
			findings: []string{},
			meaning:  "bind(2) failed with errno 48",
		},
		{
			name:     "chromium singleton path too long",
			line:     "[4821:259:1004/112644.249142:ERROR:process_singleton_posix.cc(363)] Socket path too long: /Users/somebody/Library/Application Support/Example Editor Helper Application/Profiles/Default/SingletonSocket",
			kind:     report.DenialSocketError,
			findings: []string{"path-too-long"},
			meaning:  "because it is 110 bytes and sockaddr_un.sun_path holds at most 103 bytes",
		},
		{
			name:     "ssh control path too long",
			line:     `unix_listener: path "/Users/me/.ssh/cm-me@build.example.com:22.AbCdEfGhIjKlMnOp" too long for Unix domain socket`,
			kind:     report.DenialSocketError,
			findings: []string{"path-too-long"},
			meaning:  "before bind(2)",
		},
		{
			name:    "forbidden-sandbox-reinit",
			line:    "Sandbox: MyHelper(2231) deny(1) forbidden-sandbox-reinit",
			kind:    report.DenialOther,
			meaning: "com.apple.security.inherit",
		},
		{
			name:    "file read",
			line:    "Sandbox: curl(75886) deny(1) file-read-data /Library/Preferences/com.apple.networkd.plist",
			kind:    report.DenialOther,
			meaning: "file-read-data: reading a file's contents",
		},
		{
			name:    "unknown operation",
			line:    "Sandbox: a(1) deny(1) brand-new-operation x",
			kind:    report.DenialOther,
			meaning: "no description",
		},
		{
			name:    "IP bind without the app",
			line:    "Sandbox: llama-server(4242) deny(1) network-bind local:*:8080",
			kind:    report.DenialNetwork,
			meaning: "needs com.apple.security.network.server",
		},
		{
			name:    "IP connect with network.client",
			line:    "Sandbox: app(1) deny(1) network-outbound remote:*:443",
			opts:    Options{Target: sandboxedApp(entitlements.KeyNetworkClient)},
			kind:    report.DenialNetwork,
			meaning: "The app has it, so another sandbox profile denied",
		},
		{
			name:    "IP connect without network.client",
			line:    "Sandbox: app(1) deny(1) network-outbound remote:*:443",
			opts:    Options{Target: sandboxedApp()},
			kind:    report.DenialNetwork,
			meaning: "The app lacks it",
		},
		{
			name:     "docker symlink from a Go client",
			line:     "dial unix /var/run/docker.sock: connect: operation not permitted",
			kind:     report.DenialSocket,
			sandbox:  checks.SandboxDenied,
			decider:  "symlink-escapes",
			findings: []string{"symlink-escapes"},
		},
		{
			name:     "mysql socket missing",
			line:     "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/tmp/mysql.sock' (2)",
			kind:     report.DenialSocketError,
			findings: []string{"socket-missing"},
			meaning:  "ENOENT (2), not EPERM",
		},
		{
			name:     "refused connect passed the sandbox",
			line:     "dial unix /private/tmp/app.sock: connect: connection refused",
			kind:     report.DenialSocketError,
			findings: []string{"socket-stale"},
			meaning:  "the sandbox let this connect through",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := explainLine(t, tt.line, tt.opts)
			if d.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", d.Kind, tt.kind)
			}

			if tt.sandbox == "" {
				if d.Verdict != nil {
					t.Errorf("Verdict = %+v, want none", *d.Verdict)
				}
			} else {
				if d.Verdict == nil {
					t.Fatalf("no verdict, want %s", tt.sandbox)
				}
				if d.Verdict.Sandbox != tt.sandbox {
					t.Errorf("Verdict.Sandbox = %q, want %q", d.Verdict.Sandbox, tt.sandbox)
				}
				if d.Verdict.Rule != tt.decider {
					t.Errorf("Verdict.Rule = %q, want %q", d.Verdict.Rule, tt.decider)
				}
			}

			if tt.findings != nil {
				if got := strings.Join(ruleIDs(d.Findings), " "); got != strings.Join(tt.findings, " ") {
					t.Errorf("findings = %s, want %s", got, strings.Join(tt.findings, " "))
				}
			}
			if d.Meaning == "" {
				t.Errorf("Meaning is empty, want a meaning for every kind")
			}
			if !strings.Contains(d.Meaning, tt.meaning) {
				t.Errorf("Meaning = %q, want it to contain %q", d.Meaning, tt.meaning)
			}
		})
	}
}

func TestExplainWorkaroundsFollowDistribution(t *testing.T) {
	line := "Sandbox: curl(22299) deny(1) network-outbound /Users/user/.docker/run/docker.sock"
	mas := explainLine(t, line, Options{Distribution: checks.DistributionMAS})
	devID := explainLine(t, line, Options{Distribution: checks.DistributionDeveloperID})

	if len(mas.Findings) == 0 || len(devID.Findings) == 0 {
		t.Fatal("no findings")
	}
	masText := strings.Join(mas.Findings[0].Workaround, "\n")
	devIDText := strings.Join(devID.Findings[0].Workaround, "\n")
	if masText == devIDText {
		t.Errorf("the workarounds are the same for mas and developer-id:\n%s", masText)
	}
	if !strings.Contains(devIDText, "XPC service") {
		t.Errorf("developer-id workarounds do not name the XPC service:\n%s", devIDText)
	}
}

func TestExplainAssumesHomeFromPath(t *testing.T) {
	d := explainLine(t, "Sandbox: curl(1) deny(1) network-outbound /Users/jdoe/.colima/default/docker.sock", Options{})
	if d.Socket == nil {
		t.Fatal("no socket facts")
	}
	if d.Socket.Location != "home" {
		t.Errorf("Location = %q, want home", d.Socket.Location)
	}
	if d.Socket.Type != "unknown" {
		t.Errorf("Type = %q, want unknown: the logged path is not read", d.Socket.Type)
	}
	if d.Socket.Modelled == "" {
		t.Error("Modelled is empty; it should say the path was judged without reading it")
	}
	if d.Socket.Dial.Error != "" {
		t.Errorf("Dial.Error = %q, want empty for a skipped test connect", d.Socket.Dial.Error)
	}
	evidence := strings.Join(d.Findings[0].Evidence, "\n")
	if !strings.Contains(evidence, "home folder /Users/jdoe, taken from the logged path") {
		t.Errorf("evidence does not state the assumed home:\n%s", evidence)
	}
}

func TestExplainOwnContainerFromReport(t *testing.T) {
	input := "Violation:       deny(1) network-outbound /Users/me/Library/Containers/com.example.Other/Data/s.sock\n" +
		"Process:         Mine [7]\n" +
		"Identifier:      com.example.Mine\n"
	s := sandboxlog.NewScanner(strings.NewReader(input), sandboxlog.Options{})
	if !s.Scan() {
		t.Fatal("no event")
	}
	d := Explain(&sandboxlog.Group{Event: s.Event(), Count: 1}, Options{})
	if d.Verdict == nil || d.Verdict.Rule != "other-app-container" {
		t.Fatalf("verdict = %+v, want other-app-container", d.Verdict)
	}
	evidence := strings.Join(d.Findings[0].Evidence, "\n")
	if !strings.Contains(evidence, "bundle ID com.example.Mine, taken from the violation report") {
		t.Errorf("evidence does not state the bundle ID's source:\n%s", evidence)
	}
}

func TestExplainOtherContainerWithoutReport(t *testing.T) {
	d := explainLine(t, "Sandbox: MyApp(1) deny(1) network-outbound /Users/jdoe/Library/Containers/com.foo/Data/s.sock", Options{})
	if d.Verdict == nil || d.Verdict.Sandbox != checks.SandboxDenied || d.Verdict.Rule != "other-app-container" {
		t.Fatalf("verdict = %+v, want denied by other-app-container", d.Verdict)
	}
	if strings.Contains(d.Verdict.Summary, standInBundleID) {
		t.Errorf("summary shows the stand-in bundle ID: %s", d.Verdict.Summary)
	}
	if !strings.Contains(d.Verdict.Summary, "Containers/<bundle-id>") {
		t.Errorf("summary does not name the app's container as <bundle-id>: %s", d.Verdict.Summary)
	}
}

func TestExplainIgnoresTraversingIdentifier(t *testing.T) {
	input := "Violation:       deny(1) network-outbound /etc/s.sock\n" +
		"Process:         Mine [7]\n" +
		"Identifier:      ../../../../../../etc\n"
	s := sandboxlog.NewScanner(strings.NewReader(input), sandboxlog.Options{})
	if !s.Scan() {
		t.Fatal("no event")
	}
	d := Explain(&sandboxlog.Group{Event: s.Event(), Count: 1}, Options{})
	if d.Verdict == nil {
		t.Fatal("no verdict")
	}
	if d.Verdict.Sandbox == checks.SandboxAllowed {
		t.Errorf("verdict = allowed, want the identifier not to make /etc the app's container")
	}
	for _, f := range d.Findings {
		if evidence := strings.Join(f.Evidence, "\n"); strings.Contains(evidence, "taken from the violation report") {
			t.Errorf("evidence uses the invalid identifier as bundle ID:\n%s", evidence)
		}
	}
}

func TestCollectorGroupsRepeats(t *testing.T) {
	c := NewCollector(Options{})
	line := "2026-10-01 11:26:4%d.000 E  kernel[0:1] (Sandbox) Sandbox: curl(%d) deny(1) network-outbound /Users/user/.docker/run/docker.sock"
	var fresh int
	for i := range 3 {
		ev, ok := sandboxlog.ParseLine(strings.NewReplacer("%d", string(rune('1'+i))).Replace(line))
		if !ok {
			t.Fatal("no event")
		}
		if _, isNew := c.Add(ev); isNew {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d new denials, want 1", fresh)
	}
	denials := c.Denials()
	if len(denials) != 1 {
		t.Fatalf("got %d denials, want 1", len(denials))
	}
	if denials[0].Count != 3 {
		t.Errorf("Count = %d, want 3", denials[0].Count)
	}
	if denials[0].FirstTime != "2026-10-01 11:26:41.000" || denials[0].LastTime != "2026-10-01 11:26:43.000" {
		t.Errorf("times = %q to %q", denials[0].FirstTime, denials[0].LastTime)
	}
}

func TestHomeFromPath(t *testing.T) {
	tests := []struct {
		path, home, user string
		ok               bool
	}{
		{"/Users/jdoe/.docker/run/docker.sock", "/Users/jdoe", "jdoe", true},
		{"/Users/Shared/x.sock", "", "", false},
		{"/Users/jdoe", "", "", false},
		{"/private/tmp/x", "", "", false},
	}
	for _, tt := range tests {
		home, user, ok := HomeFromPath(tt.path)
		if home != tt.home || user != tt.user || ok != tt.ok {
			t.Errorf("HomeFromPath(%q) = %q, %q, %v; want %q, %q, %v", tt.path, home, user, ok, tt.home, tt.user, tt.ok)
		}
	}
}

func TestExplainListsAssumptionsFirst(t *testing.T) {
	d := explainLine(t, "Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder", Options{})
	if len(d.Assumed) == 0 || d.Assumed[0] != unknownAppAssumption {
		t.Fatalf("Assumed = %q, want the unknown app first", d.Assumed)
	}
	if len(d.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range d.Findings {
		if len(f.Evidence) == 0 || f.Evidence[0] != "assumed: "+unknownAppAssumption {
			t.Errorf("%s evidence does not start with the unknown app:\n%s", f.Rule, strings.Join(f.Evidence, "\n"))
		}
		for _, line := range f.Evidence {
			if strings.HasPrefix(line, "app: unknown") {
				t.Errorf("%s evidence repeats the check rules' app line %q", f.Rule, line)
			}
		}
	}
}

func TestExplainModelledAppIsAssumed(t *testing.T) {
	d := explainLine(t, "Sandbox: ssh(68324) deny(1) network-outbound /Users/user/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", Options{})
	if len(d.Findings) == 0 {
		t.Fatal("no findings")
	}
	evidence := d.Findings[0].Evidence
	text := strings.Join(evidence, "\n")
	if !strings.HasPrefix(text, "assumed: "+unknownAppAssumption) {
		t.Errorf("evidence does not start with the unknown app:\n%s", text)
	}
	if !strings.Contains(text, "assumed: the app neither owns nor claims this container") {
		t.Errorf("evidence does not state the modelled app:\n%s", text)
	}
	for _, line := range evidence {
		for _, prefix := range []string{"app: unknown", "bundle ID: ", "team ID: ", "com.apple.security.app-sandbox: ", "claimed app groups: "} {
			if strings.HasPrefix(line, prefix) {
				t.Errorf("evidence states the modelled app's entitlements as facts: %q", line)
			}
		}
	}
	if len(d.Findings[0].AppEvidence) == 0 {
		t.Error("AppEvidence is empty, want the modelled app's lines marked")
	}
}

func TestExplainDockerSymlinkHome(t *testing.T) {
	line := "dial unix /var/run/docker.sock: connect: operation not permitted"

	d := explainLine(t, line, Options{})
	if d.Socket == nil {
		t.Fatal("no socket facts")
	}
	if d.Socket.ResolvedPath != "~/.docker/run/docker.sock" {
		t.Errorf("ResolvedPath = %q, want ~/.docker/run/docker.sock", d.Socket.ResolvedPath)
	}
	if !slices.ContainsFunc(d.Assumed, func(a string) bool { return strings.HasPrefix(a, "home folder ~, a placeholder") }) {
		t.Errorf("Assumed does not state the placeholder home: %q", d.Assumed)
	}
	all := d.Verdict.Summary
	for _, f := range d.Findings {
		all += "\n" + f.Message + "\n" + strings.Join(f.Evidence, "\n")
	}
	for _, bad := range []string{"/root", PlaceholderHome} {
		if strings.Contains(all, bad) {
			t.Errorf("the diagnosis shows %s:\n%s", bad, all)
		}
	}
	if !strings.Contains(all, "~/Library/Containers/<bundle-id>") {
		t.Errorf("the diagnosis does not name the container under ~:\n%s", all)
	}

	withHome := explainLine(t, line, Options{Home: "/Users/me"})
	if got := withHome.Socket.ResolvedPath; got != "/Users/me/.docker/run/docker.sock" {
		t.Errorf("with --home, ResolvedPath = %q, want /Users/me/.docker/run/docker.sock", got)
	}
}

func TestDeniedDespiteRulesNamesSymlinkForClientsOnly(t *testing.T) {
	app := Options{Target: sandboxedApp(entitlements.KeyNetworkClient)}
	kernel := explainLine(t, "Sandbox: SampleApp(12447) deny(1) network-outbound /private/var/run/mDNSResponder", app)
	client := explainLine(t, "dnssd_clientstub ConnectToServer: connect() failed path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not permitted", app)

	for name, d := range map[string]report.Denial{"kernel": kernel, "client": client} {
		if d.Verdict == nil || d.Verdict.Rule != checks.DeniedDespiteRulesID {
			t.Fatalf("%s: verdict = %+v, want %s", name, d.Verdict, checks.DeniedDespiteRulesID)
		}
		if d.Findings[0].Severity != checks.SeverityWarning {
			t.Errorf("%s: severity = %s, want warning", name, d.Findings[0].Severity)
		}
		if !strings.Contains(d.Verdict.Summary, "sandbox-exec") {
			t.Errorf("%s: summary does not name another sandbox profile: %q", name, d.Verdict.Summary)
		}
	}
	if strings.Contains(kernel.Verdict.Summary, "may be a symlink") {
		t.Errorf("kernel summary offers a symlink: %q", kernel.Verdict.Summary)
	}
	if !strings.Contains(kernel.Verdict.Summary, "a symlink is not the cause") {
		t.Errorf("kernel summary does not rule out a symlink: %q", kernel.Verdict.Summary)
	}
	if !strings.Contains(client.Verdict.Summary, "/var/run/mDNSResponder may be a symlink") {
		t.Errorf("client summary does not offer a symlink: %q", client.Verdict.Summary)
	}
}
