package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/internal/sariftest"
)

var updateSARIF = flag.Bool("update-sarif", false, "rewrite the SARIF golden files")

// sarifSchemaPath is the official OASIS SARIF 2.1.0 JSON schema, read from
// the corpus at ../shared/corpus from the module root; tests skip without it.
var sarifSchemaPath = filepath.Join("..", "..", "shared", "corpus", "sarif", "sarif-schema-2.1.0.json")

// validateSARIF checks data against the SARIF 2.1.0 JSON schema, skipping
// the test where the schema file is absent.
func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	if err := sarifSchemaError(t, data); err != nil {
		t.Errorf("SARIF output does not validate: %v", err)
	}
}

// sarifSchemaError returns the schema violations of data, or nil.
func sarifSchemaError(t *testing.T, data []byte) error {
	t.Helper()
	return sariftest.SchemaError(t, sarifSchemaPath, data)
}

func sampleSARIF(t *testing.T) []byte {
	t.Helper()
	rule, ok := checks.Lookup("group-id-not-team-prefixed")
	if !ok {
		t.Fatal("rule group-id-not-team-prefixed not registered")
	}
	adHoc, _ := checks.Lookup("ad-hoc-signature")
	results := []SARIFResult{
		{
			Finding:   rule.NewFinding(checks.DistributionMAS, `app group "com.example.shared" starts with neither a Team ID nor "group."`, "group: com.example.shared"),
			Locations: []SARIFLocation{{URI: "App/App.entitlements", StartLine: 7}},
			Identity:  "com.apple.security.application-groups=com.example.shared",
		},
		{
			Finding:   adHoc.NewFinding(checks.DistributionUnknown, `"Build/App.app" is ad-hoc signed and has no Team ID`),
			Locations: []SARIFLocation{{URI: "Build/App.app/Contents/MacOS/App"}},
		},
	}
	var buf bytes.Buffer
	tool := SARIFTool{Name: "sockdoctor", Version: "1.2.3", InformationURI: "https://github.com/sockdoctor/sockdoctor"}
	if err := WriteSARIF(&buf, tool, []*checks.Rule{adHoc, rule}, results); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSARIFGolden(t *testing.T) {
	got := sampleSARIF(t)
	golden := filepath.Join("testdata", "sarif", "sample.sarif")
	if *updateSARIF {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update-sarif to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("SARIF output differs from %s; run go test ./report -update-sarif and review the diff\n%s", golden, got)
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	validateSARIF(t, sampleSARIF(t))

	var empty bytes.Buffer
	if err := WriteSARIF(&empty, SARIFTool{Name: "sockdoctor"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, empty.Bytes())
}

func TestSARIFSchemaCatchesBadLevel(t *testing.T) {
	bad := bytes.Replace(sampleSARIF(t), []byte(`"level": "warning"`), []byte(`"level": "severe"`), 1)
	if err := sarifSchemaError(t, bad); err == nil {
		t.Errorf("schema accepted the level \"severe\"")
	}
}

func TestSARIFResultFields(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string
						Help struct{ Markdown string }
					}
				}
			}
			Results []struct {
				RuleID              string
				RuleIndex           int
				Level               string
				PartialFingerprints map[string]string
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(sampleSARIF(t), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if !strings.Contains(run.Tool.Driver.Rules[1].Help.Markdown, "## group-id-not-team-prefixed") {
		t.Errorf("help.markdown does not carry the rule documentation: %q", run.Tool.Driver.Rules[1].Help.Markdown)
	}

	first := run.Results[0]
	if first.RuleID != "group-id-not-team-prefixed" || first.RuleIndex != 1 || first.Level != "warning" {
		t.Errorf("first result = %+v", first)
	}
	region := first.Locations[0].PhysicalLocation.Region
	if region == nil || region.StartLine != 7 {
		t.Errorf("first result region = %+v, want line 7", region)
	}
	if run.Results[1].Locations[0].PhysicalLocation.Region != nil {
		t.Errorf("a location without a line must have no region")
	}
	if first.PartialFingerprints[fingerprintKey] == "" || first.PartialFingerprints[fingerprintKey] == run.Results[1].PartialFingerprints[fingerprintKey] {
		t.Errorf("fingerprints missing or equal: %v %v", first.PartialFingerprints, run.Results[1].PartialFingerprints)
	}
}

func TestSARIFFingerprintIgnoresLine(t *testing.T) {
	rule, _ := checks.Lookup("ad-hoc-signature")
	f := rule.NewFinding(checks.DistributionUnknown, "message")
	a := newSARIFResult(SARIFResult{Finding: f, Locations: []SARIFLocation{{URI: "a", StartLine: 3}}, Identity: "k"}, 0)
	b := newSARIFResult(SARIFResult{Finding: f, Locations: []SARIFLocation{{URI: "a", StartLine: 9}}, Identity: "k"}, 0)
	c := newSARIFResult(SARIFResult{Finding: f, Locations: []SARIFLocation{{URI: "b", StartLine: 3}}, Identity: "k"}, 0)
	if a.PartialFingerprints[fingerprintKey] != b.PartialFingerprints[fingerprintKey] {
		t.Errorf("fingerprint changed with the line")
	}
	if a.PartialFingerprints[fingerprintKey] == c.PartialFingerprints[fingerprintKey] {
		t.Errorf("fingerprint ignores the file")
	}
}

func TestSARIFUnknownRuleRejected(t *testing.T) {
	rule, _ := checks.Lookup("ad-hoc-signature")
	err := WriteSARIF(&bytes.Buffer{}, SARIFTool{Name: "x"}, nil, []SARIFResult{{Finding: rule.NewFinding(checks.DistributionUnknown, "m")}})
	if err == nil || !strings.Contains(err.Error(), "ad-hoc-signature") {
		t.Errorf("error = %v, want one naming the rule", err)
	}
}

const samplePlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.app-sandbox</key>
	<true/>
	<key>com.apple.security.application-groups</key>
	<array>
		<string>group.a</string>
		<string>ABCDE12345.b</string>
	</array>
	<key>nested</key>
	<dict>
		<key>com.apple.security.app-sandbox</key>
		<false/>
	</dict>
	<key>com.apple.security.temporary-exception.sbpl</key>
	<string>(allow network-outbound (literal &quot;/private/var/run/usbmuxd&quot;))</string>
</dict>
</plist>
`

func TestPlistKeyLines(t *testing.T) {
	lines, err := PlistKeyLines([]byte(samplePlist))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{
		"com.apple.security.app-sandbox":              5,
		"com.apple.security.application-groups":       7,
		"nested":                                      12,
		"com.apple.security.temporary-exception.sbpl": 17,
	} {
		if got := lines[key].Line; got != want {
			t.Errorf("line of %s = %d, want %d", key, got, want)
		}
	}
	groups := lines["com.apple.security.application-groups"].ValueLines
	if groups["group.a"] != 9 || groups["ABCDE12345.b"] != 10 {
		t.Errorf("group value lines = %v, want group.a:9 ABCDE12345.b:10", groups)
	}
	sbpl := lines["com.apple.security.temporary-exception.sbpl"].ValueLines
	if sbpl[`(allow network-outbound (literal "/private/var/run/usbmuxd"))`] != 18 {
		t.Errorf("sbpl value lines = %v, want the decoded string on line 18", sbpl)
	}
}

func TestPlistKeyLinesRejectsOtherFormats(t *testing.T) {
	for name, data := range map[string]string{
		"binary":   "bplist00\xd1\x01\x02",
		"openstep": `{ "com.apple.security.app-sandbox" = YES; }`,
	} {
		if _, err := PlistKeyLines([]byte(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := PlistKeyLines([]byte("<plist><dict><key>a</key><string>x</dict>")); err == nil {
		t.Errorf("broken XML: no error")
	}
}

func FuzzPlistKeyLines(f *testing.F) {
	f.Add([]byte(samplePlist))
	f.Add([]byte("<dict><key>a</key><array><string>b</string></array></dict>"))
	f.Add([]byte("<dict><key><dict/></key></dict>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := PlistKeyLines(data)
		if err != nil {
			return
		}
		for key, kl := range lines {
			if kl.Line < 1 {
				t.Errorf("key %q on line %d", key, kl.Line)
			}
		}
	})
}

func BenchmarkPlistKeyLines(b *testing.B) {
	data := []byte(samplePlist)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := PlistKeyLines(data); err != nil {
			b.Fatal(err)
		}
	}
}
