package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
	"github.com/sockdoctor/sockdoctor/internal/sariftest"
)

var updateLintGolden = flag.Bool("update-lint", false, "rewrite testdata/lint/corpus.golden")

// The corpus of real signed bundles, entitlements files and schemas is at
// ../shared/corpus relative to the module root, and tests skip where it is
// absent. The paths are absolute so tests that change the working folder
// still find them.
var (
	corpusDir, _    = filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	entitlementsDir = filepath.Join(corpusDir, "entitlements")
	sarifSchemaFile = filepath.Join(corpusDir, "sarif", "sarif-schema-2.1.0.json")
)

func init() {
	scriptCommandSet["mkapp"] = scriptMakeApp
}

// runLintCommand runs "sockdoctor lint args..." in-process.
func runLintCommand(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	streams := &IO{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(string) string { return "" }}
	code = Main(append([]string{"lint"}, args...), streams)
	return out.String(), errOut.String(), code
}

// corpusFiles lists the entitlements files of the corpus, skipping the
// test where the corpus is absent.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(entitlementsDir)
	if os.IsNotExist(err) {
		t.Skipf("entitlements corpus not found at %s", entitlementsDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".entitlements") {
			files = append(files, filepath.Join(entitlementsDir, e.Name()))
		}
	}
	return files
}

type lintDoc struct {
	Findings []struct {
		Rule     string
		Severity string
		Message  string
		Location struct {
			File  string
			Line  int
			Key   string
			Value string
		}
	}
	Errors []struct{ Path, Error string }
}

func lintJSONOf(t *testing.T, args ...string) (lintDoc, int) {
	t.Helper()
	stdout, stderr, code := runLintCommand(append([]string{"--format", "json", "--fail-on", "never"}, args...)...)
	var doc lintDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("lint %v: output is not JSON: %v\nstdout: %s\nstderr: %s", args, err, stdout, stderr)
	}
	return doc, code
}

// TestLintCorpusGolden lints every corpus file on its own and compares the
// rules each raises with testdata/lint/corpus.golden.
func TestLintCorpusGolden(t *testing.T) {
	files := corpusFiles(t)
	if len(files) != 69 {
		t.Errorf("corpus has %d entitlements files, want 69", len(files))
	}

	var b strings.Builder
	for _, file := range files {
		doc, code := lintJSONOf(t, file)
		if code != ExitOK {
			t.Errorf("%s: exit code %d, errors %v", filepath.Base(file), code, doc.Errors)
		}
		var rules []string
		for _, f := range doc.Findings {
			rules = append(rules, fmt.Sprintf("%s@%d", f.Rule, f.Location.Line))
		}
		sort.Strings(rules)
		if len(rules) == 0 {
			rules = []string{"-"}
		}
		fmt.Fprintf(&b, "%s: %s\n", filepath.Base(file), strings.Join(rules, " "))
	}

	golden := filepath.Join("testdata", "lint", "corpus.golden")
	if *updateLintGolden {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run TestLintCorpusGolden -update-lint)", err)
	}
	if b.String() != string(want) {
		t.Errorf("corpus findings differ from %s; rerun with -update-lint and review the diff\ngot:\n%s", golden, b.String())
	}
}

// TestLintCorpusNotable checks the fixtures whose provenance table lists
// what they should raise.
func TestLintCorpusNotable(t *testing.T) {
	corpusFiles(t)
	cases := []struct {
		file  string
		rule  string
		value string // expected Location.Value, "" for any
	}{
		{"nicklockwood__SwiftFormat__SwiftFormatter.entitlements", "group-id-not-team-prefixed", "com.charcoaldesign.SwiftFormat"},
		{"nicklockwood__SwiftFormat__EditorExtension_Extension_SwiftFormatter.entitlements", "group-id-not-team-prefixed", "com.charcoaldesign.SwiftFormat"},
		{"XueshiQiao__CCSwitcher__CCSwitcher.entitlements", "group-id-not-team-prefixed", "group.me.xueshi.ccswitcher"},
		{"Schlaubischlump__LocationSimulator__LocationSimulator.entitlements", "sbpl-exception", `(allow network-outbound (literal "/private/var/run/usbmuxd"))`},
		{"Schlaubischlump__LocationSimulator__LocationSimulator.entitlements", "temporary-exception-review", ""},
		{"bitwarden__clients__entitlements.mas.entitlements", "temporary-exception-review", ""},
		{"bitwarden__clients__entitlements.desktop_proxy.entitlements", "group-id-not-team-prefixed", "group.com.bitwarden.desktop"},
		{"sbarex__QLMarkdown__QLMarkdown.entitlements", "inherit-misuse", ""},
		{"sbarex__SourceCodeSyntaxHighlight__SCSHApp.entitlements", "inherit-misuse", ""},
		{"Ranchero-Software__NetNewsWire__NetNewsWire.entitlements", "unresolved-placeholder", "$(APP_GROUP_ID)"},
		{"nextcloud__desktop__FinderSyncExt.entitlements", "group-id-not-team-prefixed", "group.$(OC_APPLICATION_REV_DOMAIN)"},
		{"utmapp__UTM__macOS-unsigned.entitlements", "sbpl-exception", ""},
	}
	for _, c := range cases {
		doc, _ := lintJSONOf(t, filepath.Join(entitlementsDir, c.file))
		found := slices.ContainsFunc(doc.Findings, func(f struct {
			Rule     string
			Severity string
			Message  string
			Location struct {
				File  string
				Line  int
				Key   string
				Value string
			}
		}) bool {
			return f.Rule == c.rule && (c.value == "" || f.Location.Value == c.value)
		})
		if !found {
			t.Errorf("%s: no %s finding for %q; findings: %+v", c.file, c.rule, c.value, doc.Findings)
		}
	}

	quiet := []struct{ file, rule string }{
		{"Sequel-Ace__Sequel-Ace__SequelAceTunnelAssistant.entitlements", "inherit-misuse"},
		{"utmapp__UTM__QEMULauncher.entitlements", "inherit-misuse"},
		{"Sequel-Ace__Sequel-Ace__Sequel_Ace.entitlements", "group-id-not-team-prefixed"},
		{"bitwarden__clients__entitlements.mas.entitlements", "group-team-mismatch"},
	}
	for _, c := range quiet {
		doc, _ := lintJSONOf(t, filepath.Join(entitlementsDir, c.file))
		for _, f := range doc.Findings {
			if f.Rule == c.rule {
				t.Errorf("%s: unexpected %s: %s", c.file, c.rule, f.Message)
			}
		}
	}
}

func validateSARIFSchema(t *testing.T, data []byte) {
	t.Helper()
	if err := sariftest.SchemaError(t, sarifSchemaFile, data); err != nil {
		t.Errorf("SARIF output does not validate: %v", err)
	}
}

func TestLintCorpusSARIFValid(t *testing.T) {
	files := corpusFiles(t)
	stdout, stderr, code := runLintCommand(append([]string{"--format", "sarif"}, files...)...)
	if code != ExitOK {
		t.Errorf("exit code %d, stderr: %s", code, stderr)
	}
	validateSARIFSchema(t, []byte(stdout))
	if !strings.Contains(stdout, `"ruleId": "sbpl-exception"`) {
		t.Errorf("SARIF over the corpus lacks the sbpl-exception result")
	}
}

const groupsPlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.app-sandbox</key>
	<true/>
	<key>com.apple.security.application-groups</key>
	<array>
		<string>ABCDE12345.fine</string>
		<string>com.example.shared</string>
	</array>
</dict>
</plist>
`

func TestLintSARIFPointsAtLine(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("App.entitlements", []byte(groupsPlist), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runLintCommand("--format", "sarif", "App.entitlements")
	if code != ExitOK {
		t.Fatalf("exit code %d, stderr: %s", code, stderr)
	}
	validateSARIFSchema(t, []byte(stdout))

	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != 1 || results[0].RuleID != "group-id-not-team-prefixed" {
		t.Fatalf("results = %+v, want one group-id-not-team-prefixed", results)
	}
	loc := results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "App.entitlements" || loc.Region.StartLine != 10 {
		t.Errorf("location = %+v, want App.entitlements line 10", loc)
	}
}

// writeTestApp writes a sandboxed app with an unsandboxed XPC service and a
// sandboxed helper tool with inherit.
func writeTestApp(t *testing.T, dir, signer string) string {
	t.Helper()
	sandbox := `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>
<key>com.apple.security.app-sandbox</key><true/>
<key>com.apple.security.application-groups</key><array><string>ABCDE12345.app</string></array>
</dict></plist>`
	unsandboxed := `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>
<key>com.apple.security.network.client</key><true/>
</dict></plist>`
	inherit := `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>
<key>com.apple.security.app-sandbox</key><true/>
<key>com.apple.security.inherit</key><true/>
</dict></plist>`
	signing := func(xml string) fixture.Signing {
		return fixture.Signing{TeamID: "ABCDE12345", Entitlements: xml, Signer: signer}
	}
	path, err := fixture.WriteApp(dir, fixture.App{
		Name: "Main", BundleID: "com.example.main", Signing: signing(sandbox),
		XPCServices: []fixture.App{{Name: "Relay", BundleID: "com.example.relay", Signing: signing(unsandboxed)}},
		Helpers:     []fixture.App{{Name: "tool", BundleID: "com.example.tool", Signing: signing(inherit)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLintBundleByDistribution(t *testing.T) {
	app := writeTestApp(t, t.TempDir(), "Developer ID Application: Example Corp (ABCDE12345)")

	mas, code := lintJSONOf(t, "--distribution", "mas", app)
	if code != ExitOK {
		t.Fatalf("mas: exit code %d: %v", code, mas.Errors)
	}
	dev, _ := lintJSONOf(t, app)

	rules := func(doc lintDoc) map[string]string {
		out := map[string]string{}
		for _, f := range doc.Findings {
			out[f.Rule] = f.Location.File
		}
		return out
	}
	masRules, devRules := rules(mas), rules(dev)
	relay := filepath.Join(app, "Contents", "XPCServices", "Relay.xpc", "Contents", "MacOS", "Relay")
	if masRules["mas-requires-sandbox"] != relay {
		t.Errorf("mas: mas-requires-sandbox at %q, want %q; findings %+v", masRules["mas-requires-sandbox"], relay, mas.Findings)
	}
	if _, ok := masRules["nested-not-sandboxed"]; ok {
		t.Errorf("mas: nested-not-sandboxed reported")
	}
	if devRules["nested-not-sandboxed"] != relay {
		t.Errorf("developer-id (from the signer): nested-not-sandboxed at %q, want %q; findings %+v", devRules["nested-not-sandboxed"], relay, dev.Findings)
	}
	if _, ok := devRules["mas-requires-sandbox"]; ok {
		t.Errorf("developer-id: mas-requires-sandbox reported")
	}
	for _, r := range []map[string]string{masRules, devRules} {
		if _, ok := r["inherit-misuse"]; ok {
			t.Errorf("a helper with exactly app-sandbox and inherit was reported")
		}
	}

	_, _, failCode := runLintCommand("--distribution", "mas", app)
	if failCode != ExitFindings {
		t.Errorf("mas with an unsandboxed XPC service: exit code %d, want %d", failCode, ExitFindings)
	}
}

func TestLintBundleSourceMap(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	app := writeTestApp(t, dir, "Apple Distribution: Example Corp (ABCDE12345)")
	source := "Relay.entitlements"
	if err := os.WriteFile(source, []byte("<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n<dict>\n\t<key>com.apple.security.network.client</key>\n\t<true/>\n</dict>\n</plist>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The map may spell the bundle path differently from the argument.
	for _, relay := range []string{
		filepath.Join(app, "Contents", "XPCServices", "Relay.xpc"),
		filepath.Join("Main.app", "Contents", "XPCServices", "Relay.xpc") + "/",
	} {
		doc, _ := lintJSONOf(t, "--source-map", source+"="+relay, app)
		found := false
		for _, f := range doc.Findings {
			if f.Rule == "mas-requires-sandbox" {
				found = true
				if f.Location.File != source {
					t.Errorf("map to %s: finding points at %q, want %q", relay, f.Location.File, source)
				}
			}
		}
		if !found {
			t.Errorf("no mas-requires-sandbox for an Apple Distribution build: %+v", doc.Findings)
		}
	}
}

func TestLintBundleUnreadablePiece(t *testing.T) {
	app := writeTestApp(t, t.TempDir(), "Apple Distribution: Example Corp (ABCDE12345)")
	// A Mach-O header that claims an executable, with nothing after it.
	truncated := []byte{0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 0x01, 0, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0}
	if err := os.WriteFile(filepath.Join(app, "Contents", "Helpers", "broken"), truncated, 0o755); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, code := runLintCommand("--format", "json", app)
	if code != ExitUsage {
		t.Errorf("exit code %d, want %d for an unreadable piece of code", code, ExitUsage)
	}
	if !strings.Contains(stderr, filepath.Join("Helpers", "broken")) {
		t.Errorf("stderr does not name the unreadable file: %q", stderr)
	}
	if !strings.Contains(stdout, `"rule": "mas-requires-sandbox"`) {
		t.Errorf("the walk stopped at the unreadable file; report: %s", stdout)
	}
}

func TestLintDisableFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "App.entitlements")
	if err := os.WriteFile(path, []byte(groupsPlist), 0o644); err != nil {
		t.Fatal(err)
	}
	if doc, _ := lintJSONOf(t, path); len(doc.Findings) != 1 {
		t.Fatalf("findings before suppression = %+v, want 1", doc.Findings)
	}

	if err := os.WriteFile(path+".sockdoctor-disable", []byte("# shared with an older app\ngroup-id-not-team-prefixed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if doc, _ := lintJSONOf(t, path); len(doc.Findings) != 0 {
		t.Errorf("findings after suppression = %+v, want none", doc.Findings)
	}

	if err := os.WriteFile(path+".sockdoctor-disable", []byte("group-id-not-team-prefixed   # shared with an older app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if doc, _ := lintJSONOf(t, path); len(doc.Findings) != 0 {
		t.Errorf("findings with a trailing comment = %+v, want none", doc.Findings)
	}

	if err := os.WriteFile(path+".sockdoctor-disable", []byte("# reviewed\nno-such-rule\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runLintCommand(path)
	if code != ExitUsage {
		t.Errorf("unknown rule in the suppression file: exit %d, want %d", code, ExitUsage)
	}
	wantError := fmt.Sprintf("sockdoctor: error: invalid %q: line 2: unknown rule ID \"no-such-rule\", so the findings of %q were not reported\n", path+".sockdoctor-disable", path)
	if !strings.Contains(stderr, wantError) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, wantError)
	}
}

func TestLintMissingPathHint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Missing.entitlements")
	_, stderr, code := runLintCommand(path)
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(stderr, "sockdoctor: hint: pass an existing .app bundle, Mach-O file or .entitlements file\n") {
		t.Errorf("stderr = %q, want the hint that says what to pass", stderr)
	}
}

// scriptMakeApp implements "mkapp DIR SIGNER MAIN.entitlements [NESTED]...":
// it writes DIR/Main.app signed for team ABCDE12345 by the certificate
// common name SIGNER ("adhoc" for an ad-hoc signature without a team).
// NESTED is xpc=NAME:FILE, helper=NAME:FILE or appex=NAME:FILE for nested
// code signed with the entitlements in FILE, profile=GROUP,GROUP for an
// embedded profile authorising those groups, or der=FILE to sign the main
// executable with the DER encoding of another plist.
func scriptMakeApp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: mkapp DIR SIGNER MAIN.entitlements [xpc=NAME:FILE|helper=NAME:FILE|appex=NAME:FILE|profile=GROUPS|der=FILE]...")
	}
	signer, team := args[1], "ABCDE12345"
	if signer == "adhoc" {
		signer, team = "", ""
	}
	signing := func(file string) fixture.Signing {
		return fixture.Signing{TeamID: team, Signer: signer, Entitlements: ts.ReadFile(file)}
	}
	app := fixture.App{Name: "Main", BundleID: "com.example.main", Signing: signing(args[2])}

	for _, spec := range args[3:] {
		kind, rest, _ := strings.Cut(spec, "=")
		switch kind {
		case "profile":
			app.ProfileTeamID = "ABCDE12345"
			app.ProfileGroups = strings.Split(rest, ",")
			continue
		case "der":
			dict, err := entitlements.ParsePlist([]byte(ts.ReadFile(rest)))
			ts.Check(err)
			der, err := entitlements.EncodeDER(dict)
			ts.Check(err)
			app.Signing.DER = der
			continue
		}

		name, file, ok := strings.Cut(rest, ":")
		if !ok {
			ts.Fatalf("mkapp: invalid nested code %q, want KIND=NAME:FILE", spec)
		}
		nested := fixture.App{Name: name, BundleID: "com.example." + strings.ToLower(name), Signing: signing(file)}
		switch kind {
		case "xpc":
			app.XPCServices = append(app.XPCServices, nested)
		case "helper":
			app.Helpers = append(app.Helpers, nested)
		case "appex":
			app.PlugIns = append(app.PlugIns, nested)
		default:
			ts.Fatalf("mkapp: unknown kind %q, want xpc, helper, appex, profile or der", kind)
		}
	}
	if _, err := fixture.WriteApp(ts.MkAbs(args[0]), app); err != nil {
		ts.Fatalf("mkapp: %v", err)
	}
}

// BenchmarkLintCorpusSARIF measures one lint run over the whole entitlements
// corpus with SARIF output, as a CI job would run it.
func BenchmarkLintCorpusSARIF(b *testing.B) {
	entries, err := os.ReadDir(entitlementsDir)
	if err != nil {
		b.Skipf("entitlements corpus not found at %s", entitlementsDir)
	}
	args := []string{"--format", "sarif"}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".entitlements") {
			args = append(args, filepath.Join(entitlementsDir, e.Name()))
		}
	}
	for b.Loop() {
		if _, stderr, code := runLintCommand(args...); code != ExitOK {
			b.Fatalf("exit code %d: %s", code, stderr)
		}
	}
}

// readmeLintCommand is the lint run that README.md quotes with its output.
const readmeLintCommand = "$ sockdoctor lint --distribution mas --var TeamIdentifierPrefix=ABCDE12345. MyApp/*.entitlements"

// TestReadmeLintSample runs the lint command that README.md quotes on the
// entitlements files in testdata/readme and compares the output and exit
// status with the quoted ones, so the README shows what this build prints.
func TestReadmeLintSample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	wantOutput, wantCode, ok := quotedLintOutput(string(readme))
	if !ok {
		t.Fatalf("README.md has no console block that starts with %q and ends with \"$ echo $?\" and the status", readmeLintCommand)
	}

	t.Chdir(filepath.Join("testdata", "readme"))
	files, err := filepath.Glob("MyApp/*.entitlements")
	if err != nil || len(files) == 0 {
		t.Fatalf("no entitlements files in testdata/readme/MyApp: %v", err)
	}
	args := append([]string{"--distribution", "mas", "--var", "TeamIdentifierPrefix=ABCDE12345."}, files...)
	stdout, stderr, code := runLintCommand(args...)
	if stderr != "" {
		t.Errorf("stderr = %q, want none", stderr)
	}
	if code != wantCode {
		t.Errorf("exit status = %d, README.md says %d", code, wantCode)
	}
	if stdout != wantOutput {
		t.Errorf("lint output differs from README.md; paste this output there:\n%s", stdout)
	}
}

// quotedLintOutput returns the lines that README.md shows after
// readmeLintCommand, up to "$ echo $?", and the exit status on the line
// after that.
func quotedLintOutput(readme string) (output string, code int, ok bool) {
	_, rest, found := strings.Cut(readme, readmeLintCommand+"\n")
	if !found {
		return "", 0, false
	}
	output, rest, found = strings.Cut(rest, "$ echo $?\n")
	if !found {
		return "", 0, false
	}
	status, _, _ := strings.Cut(rest, "\n")
	code, err := strconv.Atoi(status)
	if err != nil {
		return "", 0, false
	}
	return output, code, true
}

func TestLintSourceMapRejectsFIFO(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	app := writeTestApp(t, dir, "Apple Distribution: Example Corp (ABCDE12345)")
	if err := syscall.Mkfifo("Relay.entitlements", 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}

	// Opening a FIFO for reading blocks until a writer comes, so lint must
	// reject it before reading; the test would hang otherwise.
	_, stderr, code := runLintCommand("--source-map", "Relay.entitlements="+filepath.Join(app, "Contents", "XPCServices", "Relay.xpc"), app)
	if code != ExitUsage {
		t.Errorf("exit code = %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(stderr, `"Relay.entitlements" is not a regular file`) {
		t.Errorf("stderr does not name the FIFO:\n%s", stderr)
	}
}
