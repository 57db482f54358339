package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/bundle"
	"github.com/sockdoctor/sockdoctor/entitlements"
)

const staticTeam = "ABCDE12345"

func sandboxed(extra entitlements.Dict) entitlements.Dict {
	d := entitlements.Dict{entitlements.KeyAppSandbox: true}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func groupList(ids ...string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func ruleIDs(findings []StaticFinding) []string {
	var ids []string
	for _, f := range findings {
		ids = append(ids, f.Rule)
	}
	return ids
}

// TestStaticRuleFiresAndStaysQuiet runs every single-target rule on a target
// that should raise it and on a clean one that should not.
func TestStaticRuleFiresAndStaysQuiet(t *testing.T) {
	mas := StaticOptions{Distribution: DistributionMAS}
	devID := StaticOptions{Distribution: DistributionDeveloperID}
	signed := func(d entitlements.Dict) StaticTarget {
		return StaticTarget{Path: "App.app", Kind: "app", TeamID: staticTeam, Signature: "developer-id", Entitlements: d}
	}
	source := func(d entitlements.Dict) StaticTarget {
		return StaticTarget{Path: "App.entitlements", Kind: "entitlements-file", Entitlements: d}
	}

	cases := []struct {
		name   string
		rule   string
		target StaticTarget
		opts   StaticOptions
		fires  bool
	}{
		{"bare group", "group-id-not-team-prefixed", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("com.example.shared")})), StaticOptions{}, true},
		{"group. in source", "group-id-not-team-prefixed", source(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("group.com.example")}), StaticOptions{}, true},
		{"group. in profile", "group-id-not-team-prefixed", StaticTarget{Kind: "app", TeamID: staticTeam, Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("group.com.example")}), HasProfile: true, ProfileGroups: []string{"group.com.example"}}, StaticOptions{}, false},
		{"team prefixed", "group-id-not-team-prefixed", signed(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".shared")})), StaticOptions{}, false},
		{"placeholder prefixed", "group-id-not-team-prefixed", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("$(TeamIdentifierPrefix)shared")})), StaticOptions{}, false},

		{"other team", "group-team-mismatch", signed(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("ZZZZZ99999.shared")})), StaticOptions{}, true},
		{"other team in source", "group-team-mismatch", source(sandboxed(entitlements.Dict{entitlements.KeyTeamIdentifier: staticTeam, entitlements.KeyApplicationGroups: groupList("ZZZZZ99999.shared")})), StaticOptions{}, true},
		{"own team", "group-team-mismatch", signed(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".shared")})), StaticOptions{}, false},

		{"missing from profile", "group-not-in-profile", StaticTarget{Kind: "app", TeamID: staticTeam, Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("group.a")}), HasProfile: true, ProfileGroups: []string{"group.b"}}, StaticOptions{}, true},
		{"team group missing for store", "group-not-in-profile", StaticTarget{Kind: "app", TeamID: staticTeam, Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".a")}), HasProfile: true}, mas, true},
		{"team group outside store", "group-not-in-profile", StaticTarget{Kind: "app", TeamID: staticTeam, Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".a")}), HasProfile: true}, devID, false},
		{"wildcard profile", "group-not-in-profile", StaticTarget{Kind: "app", TeamID: staticTeam, Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("group.a.b")}), HasProfile: true, ProfileGroups: []string{"group.a.*"}}, StaticOptions{}, false},
		{"no profile", "group-not-in-profile", signed(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("group.a")})), StaticOptions{}, false},

		{"long group", "group-path-budget", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".com.example.some-really-long-product-name")})), StaticOptions{}, true},
		{"long placeholder group", "group-path-budget", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("$(TeamIdentifierPrefix)com.example.some-long-product-name")})), StaticOptions{}, true},
		{"short group", "group-path-budget", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".app")})), StaticOptions{}, false},
		{"short user", "group-path-budget", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".com.example.some-really-long-product-name")})), StaticOptions{UserNameLength: 4}, false},

		{"placeholder", "unresolved-placeholder", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("$(APP_GROUP_ID)")})), StaticOptions{}, true},
		{"brace placeholder", "unresolved-placeholder", source(entitlements.Dict{"x": "${NAME}"}), StaticOptions{}, true},
		{"placeholder in signed app", "unresolved-placeholder", signed(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("$(APP_GROUP_ID)")})), StaticOptions{}, true},
		{"no placeholder", "unresolved-placeholder", source(sandboxed(entitlements.Dict{"x": "$HOME costs $5"})), StaticOptions{}, false},

		{"der mismatch", "entitlements-der-mismatch", StaticTarget{Kind: "macho", DERMismatches: []string{"arm64: com.apple.security.app-sandbox: XML true, DER absent"}}, StaticOptions{}, true},
		{"der agrees", "entitlements-der-mismatch", signed(sandboxed(nil)), StaticOptions{}, false},

		{"ad hoc", "ad-hoc-signature", StaticTarget{Kind: "app", Signature: "ad-hoc", Entitlements: sandboxed(nil)}, StaticOptions{}, true},
		{"developer id", "ad-hoc-signature", signed(sandboxed(nil)), StaticOptions{}, false},

		{"file exception", "temporary-exception-review", source(sandboxed(entitlements.Dict{entitlements.TemporaryExceptionPrefix + "files.home-relative-path.read-write": groupList("/.docker/run/")})), StaticOptions{}, true},
		{"exception for store", "temporary-exception-review", source(sandboxed(entitlements.Dict{entitlements.TemporaryExceptionPrefix + "mach-lookup.global-name": groupList("com.example.agent")})), mas, true},
		{"exception outside store", "temporary-exception-review", source(sandboxed(entitlements.Dict{entitlements.TemporaryExceptionPrefix + "mach-lookup.global-name": groupList("com.example.agent")})), devID, false},
		{"no exception", "temporary-exception-review", source(sandboxed(nil)), StaticOptions{}, false},

		{"sbpl", "sbpl-exception", source(sandboxed(entitlements.Dict{entitlements.KeySBPL: groupList(`(allow network-outbound (literal "/private/var/run/usbmuxd"))`)})), StaticOptions{}, true},
		{"no sbpl", "sbpl-exception", source(sandboxed(nil)), StaticOptions{}, false},

		{"store unsandboxed", "mas-requires-sandbox", source(entitlements.Dict{}), mas, true},
		{"store sandbox string", "mas-requires-sandbox", source(entitlements.Dict{entitlements.KeyAppSandbox: "YES"}), mas, true},
		{"store sandboxed", "mas-requires-sandbox", source(sandboxed(nil)), mas, false},
		{"developer id unsandboxed", "mas-requires-sandbox", source(entitlements.Dict{}), devID, false},

		{"inherit with groups", "inherit-misuse", source(sandboxed(entitlements.Dict{entitlements.KeyInherit: true, entitlements.KeyApplicationGroups: groupList(staticTeam + ".a")})), StaticOptions{}, true},
		{"inherit without sandbox", "inherit-misuse", source(entitlements.Dict{entitlements.KeyInherit: true}), StaticOptions{}, true},
		{"inherit on app", "inherit-misuse", signed(sandboxed(entitlements.Dict{entitlements.KeyInherit: true})), StaticOptions{}, true},
		{"helper tool", "inherit-misuse", source(sandboxed(entitlements.Dict{entitlements.KeyInherit: true, "com.apple.security.cs.disable-library-validation": true, "com.apple.security.hypervisor": true})), StaticOptions{}, false},
		{"inherit with exception", "inherit-misuse", source(sandboxed(entitlements.Dict{entitlements.KeyInherit: true, entitlements.KeySBPL: "(allow default)"})), StaticOptions{}, true},

		{"sandbox string", "entitlement-wrong-type", source(entitlements.Dict{entitlements.KeyAppSandbox: "YES"}), StaticOptions{}, true},
		{"group string", "entitlement-wrong-type", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: staticTeam + ".a"})), StaticOptions{}, true},
		{"group number", "entitlement-wrong-type", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: []any{uint64(1)}})), StaticOptions{}, true},
		{"exception bool array", "entitlement-wrong-type", source(sandboxed(entitlements.Dict{entitlements.KeySBPL: []any{true}})), StaticOptions{}, true},
		{"well typed", "entitlement-wrong-type", source(sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".a"), entitlements.KeySBPL: "(allow default)"})), StaticOptions{}, false},
	}

	for _, c := range cases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			got := StaticResults(c.target, c.opts)
			fired := slices.Contains(ruleIDs(got), c.rule)
			recordRule("TestStaticRuleFiresAndStaysQuiet", c.rule, fired)
			if fired != c.fires {
				t.Errorf("rule %s fired=%v, want %v; findings: %v", c.rule, fired, c.fires, got)
			}
		})
	}
}

func TestStaticCleanTargetQuiet(t *testing.T) {
	clean := StaticTarget{
		Path: "App.app", Kind: "app", TeamID: staticTeam, Signature: "app-store",
		Entitlements: sandboxed(entitlements.Dict{
			entitlements.KeyApplicationGroups: groupList(staticTeam + ".app"),
			entitlements.KeyNetworkClient:     true,
		}),
		HasProfile: true, ProfileGroups: []string{staticTeam + ".app"},
	}
	for _, dist := range []Distribution{DistributionMAS, DistributionDeveloperID, DistributionDevelopment, DistributionUnknown} {
		if got := StaticResults(clean, StaticOptions{Distribution: dist}); len(got) != 0 {
			t.Errorf("%s: clean target raised %v", dist, got)
		}
	}
}

func TestStaticDisabledRuleDropped(t *testing.T) {
	target := StaticTarget{Kind: "entitlements-file", Entitlements: entitlements.Dict{entitlements.KeyAppSandbox: "YES"}}
	got := StaticResults(target, StaticOptions{Disabled: map[string]bool{"entitlement-wrong-type": true}})
	if slices.Contains(ruleIDs(got), "entitlement-wrong-type") {
		t.Errorf("disabled rule still reported: %v", got)
	}
}

func TestStaticFindingPointsAtKey(t *testing.T) {
	target := StaticTarget{Path: "x.entitlements", Kind: "entitlements-file", Entitlements: sandboxed(entitlements.Dict{
		entitlements.KeyApplicationGroups: groupList("com.example.a", "com.example.b"),
	})}
	got := StaticResults(target, StaticOptions{})
	var values []string
	for _, f := range got {
		if f.Rule != "group-id-not-team-prefixed" {
			continue
		}
		if f.Key != entitlements.KeyApplicationGroups {
			t.Errorf("key = %q, want %q", f.Key, entitlements.KeyApplicationGroups)
		}
		if f.Path != "x.entitlements" {
			t.Errorf("path = %q, want x.entitlements", f.Path)
		}
		values = append(values, f.Value)
	}
	if !slices.Equal(values, []string{"com.example.a", "com.example.b"}) {
		t.Errorf("values = %v, want one finding per group", values)
	}
}

func TestInheritMisusePointsAtExtraKey(t *testing.T) {
	target := StaticTarget{Path: "helper.entitlements", Kind: "entitlements-file", Entitlements: sandboxed(entitlements.Dict{
		entitlements.KeyInherit:           true,
		entitlements.KeyNetworkClient:     true,
		entitlements.KeyApplicationGroups: groupList(staticTeam + ".a"),
	})}
	var keys []string
	for _, f := range StaticResults(target, StaticOptions{}) {
		if f.Rule != "inherit-misuse" {
			continue
		}
		keys = append(keys, f.Key)
		if !strings.Contains(f.Message, "remove "+f.Key) {
			t.Errorf("message = %q, want it to say to remove %s", f.Message, f.Key)
		}
	}
	slices.Sort(keys)
	want := []string{entitlements.KeyApplicationGroups, entitlements.KeyNetworkClient}
	if !slices.Equal(keys, want) {
		t.Errorf("inherit-misuse keys = %v, want one finding per extra key %v", keys, want)
	}
}

func TestGroupPathBudgetArithmetic(t *testing.T) {
	// 34 fixed bytes + 27 (user) + group + 8 ("ipc.sock") <= 103 allows a
	// 34-byte group ID and rejects a 35-byte one.
	fits := strings.Repeat("a", 34)
	over := strings.Repeat("a", 35)
	for _, c := range []struct {
		group string
		fires bool
	}{{fits, false}, {over, true}} {
		target := StaticTarget{Kind: "entitlements-file", Entitlements: entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + "." + c.group[11:])}}
		got := slices.Contains(ruleIDs(StaticResults(target, StaticOptions{})), "group-path-budget")
		if got != c.fires {
			t.Errorf("%d-byte group: fired=%v, want %v", len(c.group), got, c.fires)
		}
	}
}

func TestTemporaryExceptionNamesEach(t *testing.T) {
	target := StaticTarget{Kind: "entitlements-file", Entitlements: sandboxed(entitlements.Dict{
		entitlements.TemporaryExceptionPrefix + "files.absolute-path.read-only": groupList("/"),
		entitlements.TemporaryExceptionPrefix + "mach-lookup.global-name":       groupList("com.example.a"),
	})}
	var findings []StaticFinding
	for _, f := range StaticResults(target, StaticOptions{}) {
		if f.Rule == "temporary-exception-review" {
			findings = append(findings, f)
		}
	}
	if len(findings) != 2 {
		t.Fatalf("got %d exception findings, want 2: %v", len(findings), findings)
	}
	if m := findings[0].Message; !strings.Contains(m, "files.absolute-path.read-only") || !strings.Contains(m, "do not grant connect()") {
		t.Errorf("file exception message = %q", m)
	}
	if m := findings[1].Message; !strings.Contains(m, "mach-lookup.global-name") || !strings.Contains(m, "justification in App Store Connect") {
		t.Errorf("mach-lookup message = %q", m)
	}
	steps := strings.Join(findings[1].Workaround, "\n")
	if !strings.Contains(steps, "In App Store Connect, answer which global Mach services it looks up") {
		t.Errorf("mach-lookup workaround = %q, want the App Store Connect question for the key", steps)
	}
}

func TestTemporaryExceptionMessageShort(t *testing.T) {
	target := StaticTarget{Kind: "entitlements-file", Entitlements: sandboxed(entitlements.Dict{
		entitlements.TemporaryExceptionPrefix + "files.home-relative-path.read-write": groupList("/.docker/run/"),
	})}
	for _, f := range StaticResults(target, StaticOptions{}) {
		if f.Rule != "temporary-exception-review" {
			continue
		}
		// The key, one value and the socket note fit in 200 bytes; the
		// App Store Connect questions are in the workaround.
		if len(f.Message) > 200 {
			t.Errorf("message is %d bytes, want at most 200: %q", len(f.Message), f.Message)
		}
	}
}

// bundleCodes models a sandboxed app with an unsandboxed XPC service and a
// sandboxed helper tool that inherits the app's sandbox.
func bundleCodes() []BundleCode {
	app := StaticTarget{Path: "App.app", Kind: "app", TeamID: staticTeam, Signature: "developer-id",
		Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(staticTeam + ".app")})}
	service := StaticTarget{Path: "App.app/Contents/XPCServices/Relay.xpc", Kind: "app", TeamID: staticTeam, Signature: "developer-id",
		Entitlements: entitlements.Dict{}}
	helper := StaticTarget{Path: "App.app/Contents/Helpers/tool", Kind: "macho", TeamID: staticTeam, Signature: "developer-id",
		Entitlements: sandboxed(entitlements.Dict{entitlements.KeyInherit: true})}
	return []BundleCode{
		{Target: app, Role: bundle.RoleMain, Parent: -1},
		{Target: service, Role: bundle.RoleXPCService, Parent: 0},
		{Target: helper, Role: bundle.RoleHelper, Parent: 0},
	}
}

func TestBundleJudgedByDistribution(t *testing.T) {
	masFindings := BundleResults(bundleCodes(), StaticOptions{Distribution: DistributionMAS})
	devFindings := BundleResults(bundleCodes(), StaticOptions{Distribution: DistributionDeveloperID})
	recordFindings("TestBundleJudgedByDistribution", ruleIDs(masFindings))
	recordFindings("TestBundleJudgedByDistribution", ruleIDs(devFindings))

	if !slices.ContainsFunc(masFindings, func(f StaticFinding) bool {
		return f.Rule == "mas-requires-sandbox" && f.Path == "App.app/Contents/XPCServices/Relay.xpc"
	}) {
		t.Errorf("mas: no mas-requires-sandbox naming the XPC service: %v", masFindings)
	}
	if slices.Contains(ruleIDs(masFindings), "nested-not-sandboxed") {
		t.Errorf("mas: nested-not-sandboxed reported: %v", masFindings)
	}
	if !slices.ContainsFunc(devFindings, func(f StaticFinding) bool {
		return f.Rule == "nested-not-sandboxed" && f.Severity == SeverityInfo && f.Path == "App.app/Contents/XPCServices/Relay.xpc"
	}) {
		t.Errorf("developer-id: no nested-not-sandboxed for the XPC service: %v", devFindings)
	}
	if slices.Contains(ruleIDs(devFindings), "mas-requires-sandbox") {
		t.Errorf("developer-id: mas-requires-sandbox reported: %v", devFindings)
	}
	for _, findings := range [][]StaticFinding{masFindings, devFindings} {
		if slices.Contains(ruleIDs(findings), "inherit-misuse") {
			t.Errorf("helper with exactly app-sandbox and inherit reported: %v", findings)
		}
	}
}

func TestBundleInheritUnderUnsandboxedParent(t *testing.T) {
	codes := bundleCodes()
	codes[0].Target.Entitlements = entitlements.Dict{}
	got := BundleResults(codes, StaticOptions{Distribution: DistributionDeveloperID})
	if !slices.ContainsFunc(got, func(f StaticFinding) bool {
		return f.Rule == "inherit-misuse" && f.Path == "App.app/Contents/Helpers/tool"
	}) {
		t.Errorf("helper inheriting from an unsandboxed app not reported: %v", got)
	}
}

func TestBundleInheritOnLaunchService(t *testing.T) {
	codes := bundleCodes()
	codes[2].Role = bundle.RoleLaunchService
	got := BundleResults(codes, StaticOptions{})
	if !slices.Contains(ruleIDs(got), "inherit-misuse") {
		t.Errorf("inherit on a launchd service not reported: %v", got)
	}
}

func TestBundleTeamsAndGroups(t *testing.T) {
	codes := bundleCodes()
	codes[1].Target.TeamID = "ZZZZZ99999"
	codes[1].Target.Entitlements = sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList("ZZZZZ99999.other")})
	got := BundleResults(codes, StaticOptions{})
	recordFindings("TestBundleTeamsAndGroups", ruleIDs(got))

	if !slices.ContainsFunc(got, func(f StaticFinding) bool {
		return f.Rule == "group-team-mismatch" && strings.Contains(f.Message, "signed by team ZZZZZ99999, the app by team "+staticTeam)
	}) {
		t.Errorf("nested code of another team not reported: %v", got)
	}
	if !slices.Contains(ruleIDs(got), "group-not-shared") {
		t.Errorf("extension sharing no group with the app not reported: %v", got)
	}

	clean := BundleResults(bundleCodes()[:1], StaticOptions{})
	recordFindings("TestBundleTeamsAndGroups", ruleIDs(clean))
	if len(clean) != 0 {
		t.Errorf("clean app raised %v", clean)
	}
}

func TestStaticTargetOfCopiesFacts(t *testing.T) {
	target := &entitlements.Target{
		Path: "App.app", Kind: entitlements.KindApp, TeamID: staticTeam, Signature: entitlements.SignatureAdHoc,
		Entitlements: sandboxed(nil),
		Slices:       []entitlements.Slice{{Arch: "arm64", Mismatches: []string{"key differs"}}},
		Profile:      &entitlements.Profile{Groups: []string{"group.a"}},
	}
	got := StaticTargetOf(target)
	if got.Signature != "ad-hoc" || !got.HasProfile || !slices.Equal(got.ProfileGroups, []string{"group.a"}) {
		t.Errorf("StaticTargetOf = %+v", got)
	}
	if !slices.Equal(got.DERMismatches, []string{"arm64: key differs"}) {
		t.Errorf("DERMismatches = %v", got.DERMismatches)
	}
	findings := StaticFindings(target, StaticOptions{})
	var ids []string
	for _, f := range findings {
		ids = append(ids, f.Rule)
	}
	if !slices.Contains(ids, "ad-hoc-signature") || !slices.Contains(ids, "entitlements-der-mismatch") {
		t.Errorf("StaticFindings = %v", ids)
	}
}

func TestStaticRulesDocumented(t *testing.T) {
	for _, id := range []string{
		"group-id-not-team-prefixed", "group-team-mismatch", "group-not-in-profile", "group-path-budget",
		"unresolved-placeholder", "entitlements-der-mismatch", "ad-hoc-signature", "temporary-exception-review",
		"mas-requires-sandbox", "nested-not-sandboxed", "inherit-misuse", "entitlement-wrong-type", "group-not-shared",
	} {
		r, ok := Lookup(id)
		if !ok {
			t.Errorf("rule %s not registered", id)
			continue
		}
		for _, section := range []string{"**Meaning.**", "**Why macOS behaves so.**", "**Evidence.**", "**Workaround.**", "**Sources.**"} {
			if !strings.Contains(r.Doc, section) {
				t.Errorf("rule %s: documentation lacks %s", id, section)
			}
		}
		if r.Title == "" || r.Summary == "" || len(r.Workarounds) == 0 {
			t.Errorf("rule %s: title, summary or workarounds missing", id)
		}
	}
}

func BenchmarkStaticResults(b *testing.B) {
	target := StaticTarget{Path: "App.entitlements", Kind: "entitlements-file", Entitlements: sandboxed(entitlements.Dict{
		entitlements.KeyApplicationGroups:                                             groupList("$(TeamIdentifierPrefix)com.example.app", "group.com.example.app"),
		entitlements.TemporaryExceptionPrefix + "files.home-relative-path.read-write": groupList("/.docker/run/", "/Library/Application Support/Example/"),
		entitlements.KeySBPL: groupList(`(allow network-outbound (literal "/private/var/run/usbmuxd"))`),
	})}
	for b.Loop() {
		StaticResults(target, StaticOptions{})
	}
}

func TestGroupTeamMismatchNamesTeamSource(t *testing.T) {
	groups := entitlements.Dict{entitlements.KeyApplicationGroups: groupList("ZZZZZ99999.shared")}
	cases := []struct {
		name, kind, source string
	}{
		{"plist with --team-id", entitlements.KindEntitlementsFile, "but the team given with --team-id is " + staticTeam},
		{"signed app", entitlements.KindApp, "is signed by team " + staticTeam + " (from the code signature)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := StaticTarget{Path: "App", Kind: tc.kind, TeamID: staticTeam, Entitlements: sandboxed(groups)}
			var msg string
			for _, f := range StaticResults(target, StaticOptions{}) {
				if f.Rule == "group-team-mismatch" {
					msg = f.Message
				}
			}
			if !strings.Contains(msg, tc.source) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.source)
			}
			if tc.kind == entitlements.KindEntitlementsFile && strings.Contains(msg, "signed") {
				t.Errorf("message = %q, want no signature named for a source file", msg)
			}
		})
	}
}

func TestGroupTeamMismatchFromFileEntitlement(t *testing.T) {
	dict := entitlements.Dict{
		entitlements.KeyApplicationGroups: groupList("ZZZZZ99999.shared"),
		entitlements.KeyTeamIdentifier:    staticTeam,
	}
	target := StaticTarget{Path: "App.entitlements", Kind: entitlements.KindEntitlementsFile, Entitlements: sandboxed(dict)}
	var found *StaticFinding
	results := StaticResults(target, StaticOptions{})
	for i := range results {
		if results[i].Rule == "group-team-mismatch" {
			found = &results[i]
		}
	}
	if found == nil {
		t.Fatal("no group-team-mismatch finding")
	}
	want := "but " + entitlements.KeyTeamIdentifier + " of \"App.entitlements\" names team " + staticTeam
	if !strings.Contains(found.Message, want) {
		t.Errorf("message = %q, want it to contain %q", found.Message, want)
	}
	if !slices.Contains(found.Evidence, "expected team: "+staticTeam+" ("+entitlements.KeyTeamIdentifier+")") {
		t.Errorf("evidence = %q, want the expected team and its source", found.Evidence)
	}
}

func TestGroupPrefixMessageForMAS(t *testing.T) {
	for _, id := range []string{"com.example.shared", "group.com.example.shared"} {
		target := StaticTarget{Path: "App.entitlements", Kind: "entitlements-file",
			Entitlements: sandboxed(entitlements.Dict{entitlements.KeyApplicationGroups: groupList(id)})}

		mas := findStatic(t, target, StaticOptions{Distribution: DistributionMAS}, "group-id-not-team-prefixed")
		if strings.Contains(mas.Message, "prompt before") || strings.Contains(mas.Message, "without a prompt") {
			t.Errorf("%s: Mac App Store message %q warns of a prompt that App Store apps never see", id, mas.Message)
		}
		if !strings.Contains(mas.Message, "ITMS-9028") {
			t.Errorf("%s: Mac App Store message %q does not name the App Store Connect error", id, mas.Message)
		}

		devID := findStatic(t, target, StaticOptions{Distribution: DistributionDeveloperID}, "group-id-not-team-prefixed")
		if !strings.Contains(devID.Message, "prompt") {
			t.Errorf("%s: Developer ID message %q does not mention the macOS 15 prompt", id, devID.Message)
		}
	}
}

// findStatic returns the static finding of rule id for target, failing the
// test without one.
func findStatic(t *testing.T, target StaticTarget, opts StaticOptions, id string) StaticFinding {
	t.Helper()
	for _, f := range StaticResults(target, opts) {
		if f.Rule == id {
			return f
		}
	}
	t.Fatalf("no %s finding for %s", id, target.Path)
	return StaticFinding{}
}
