package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the actual output")

const (
	goldenHome = "/Users/alice.smith"
	goldenUser = "alice.smith"
)

// dockerReport diagnoses the Docker Desktop case with fixed inputs, so the
// output does not depend on the machine.
func dockerReport() *Report {
	target := &entitlements.Target{
		Path: goldenHome + "/Build/MyApp.app", Kind: entitlements.KindApp,
		BundleID: "com.example.MyApp", TeamID: "ABCDE12345", Signature: entitlements.SignatureDeveloperID,
		Entitlements: entitlements.Dict{
			entitlements.KeyAppSandbox:        true,
			entitlements.KeyNetworkClient:     true,
			entitlements.KeyApplicationGroups: []any{"ABCDE12345.com.example.shared"},
		},
	}
	info := &socket.Info{
		Path: goldenHome + "/.docker/run/docker.sock", ResolvedPath: goldenHome + "/.docker/run/docker.sock",
		PathBytes: 43, GivenPathBytes: 43, Location: socket.LocationHome,
		LocationDetail: "in the home folder, outside every container",
		Exists:         true, Type: "socket", Mode: "srwxr-xr-x", Owner: goldenUser, Writable: true,
		Dial: socket.Dial{Result: socket.DialConnected},
	}
	dist := checks.DistributionDeveloperID
	d := checks.Diagnose(checks.Input{Target: target, Socket: info, Operation: "connect", Distribution: dist, Home: goldenHome})
	return New("test", NewTarget(target, dist), info, d)
}

func TestWriteJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, dockerReport()); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "docker.json", buf.Bytes())

	var decoded map[string]any
	if err := json.Unmarshal(buf.Bytes(), &decoded); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if decoded["schema_version"] != "1" {
		t.Errorf("schema_version = %v, want \"1\"", decoded["schema_version"])
	}
	verdict := decoded["verdict"].(map[string]any)
	if verdict["rule"] != "outside-sandbox-reach" {
		t.Errorf("verdict rule = %v, want outside-sandbox-reach", verdict["rule"])
	}
}

func TestWriteJSONDeterministic(t *testing.T) {
	var first bytes.Buffer
	if err := WriteJSON(&first, dockerReport()); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		var again bytes.Buffer
		if err := WriteJSON(&again, dockerReport()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), again.Bytes()) {
			t.Fatal("two runs wrote different JSON")
		}
	}
}

func TestWriteMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	opts := MarkdownOptions{Redact: true, Home: goldenHome, User: goldenUser}
	if err := WriteMarkdown(&buf, dockerReport(), opts); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "docker.md", buf.Bytes())
}

func TestWriteMarkdownRedacts(t *testing.T) {
	var buf bytes.Buffer
	opts := MarkdownOptions{Redact: true, Home: goldenHome, User: goldenUser}
	if err := WriteMarkdown(&buf, dockerReport(), opts); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, goldenHome) {
		t.Errorf("redacted Markdown contains the home folder %q", goldenHome)
	}
	if strings.Contains(out, goldenUser) {
		t.Errorf("redacted Markdown contains the user name %q", goldenUser)
	}
	if !strings.Contains(out, "~/.docker/run/docker.sock") {
		t.Errorf("redacted Markdown lacks the redacted socket path ~/.docker/run/docker.sock")
	}
}

func TestWriteMarkdownNoRedact(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, dockerReport(), MarkdownOptions{Home: goldenHome, User: goldenUser}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), goldenHome+"/.docker/run/docker.sock") {
		t.Error("Markdown without redaction lacks the full socket path")
	}
}

func TestWriteTextColor(t *testing.T) {
	var plain, colored bytes.Buffer
	if err := WriteText(&plain, dockerReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&colored, dockerReport(), TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("text without colour contains an ANSI escape")
	}
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Error("text with colour contains no ANSI escape")
	}
	for _, want := range []string{"Sandbox: DENIED (outside-sandbox-reach)", "error   outside-sandbox-reach:", "outside the app's sandbox"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("text output lacks %q", want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, home, user, want string
	}{
		{name: "home path", in: "/Users/al/.docker/run/docker.sock", home: "/Users/al", user: "al", want: "~/.docker/run/docker.sock"},
		{name: "home at sentence end", in: "is in /Users/al.", home: "/Users/al", user: "al", want: "is in ~."},
		{name: "longer home kept", in: "/Users/alan/x", home: "/Users/al", user: "al", want: "/Users/alan/x"},
		{name: "user as word", in: "owned by al, not also", home: "/Users/al", user: "al", want: "owned by user, not also"},
		{name: "dotted user", in: "owner alice.smith; alice.smithers", home: "/Users/alice.smith", user: "alice.smith", want: "owner user; alice.smithers"},
		{name: "private tmp home", in: "/private/tmp/h/s and /tmp/h/s", home: "/tmp/h", user: "", want: "~/s and ~/s"},
		{name: "no home", in: "/Users/al/x", home: "", user: "", want: "/Users/al/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in, tt.home, tt.user); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCodeSpan(t *testing.T) {
	if got := code("a`b"); got != "``a`b``" {
		t.Errorf("code(a`b) = %q", got)
	}
	if got := code("`x"); got != "`` `x ``" {
		t.Errorf("code(`x) = %q", got)
	}
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./report -update after checking the change):\n%s", path, got)
	}
}

func TestRedactHomes(t *testing.T) {
	homes := []string{"/tmp/sd1/home", "/home/builder"}
	tests := []struct {
		name, in, want string
	}{
		{"given home", "socket /tmp/sd1/home/.docker/run/docker.sock", "socket ~/.docker/run/docker.sock"},
		{"given home in /private form", "resolved /private/tmp/sd1/home/x.sock", "resolved ~/x.sock"},
		{"real home", "app /home/builder/proj/App.app", "app ~/proj/App.app"},
		{"other Mac home", "path `/Users/alice/proj/s.sock`", "path `~/proj/s.sock`"},
		{"modelled Mac home", "path /tmp/sd2/Users/alice/proj", "path ~/proj"},
		{"home at sentence end", "in /Users/alice.", "in ~."},
		{"dotted user name", "in /Users/john.doe/x", "in ~/x"},
		{"shared folder kept", "/Users/Shared/db.sock", "/Users/Shared/db.sock"},
		{"user name", "owned by builder", "owned by user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactHomes(tt.in, homes, "builder"); got != tt.want {
				t.Errorf("RedactHomes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPathLengthFactWithoutGivenBytes(t *testing.T) {
	// An Info filled from a log line has no GivenPathBytes, so the fact
	// counts the bytes of Path.
	info := &socket.Info{Path: "/private/tmp/s.sock", PathBytes: 19}
	if got, want := pathLengthFact(info), fmt.Sprintf("19 bytes (sun_path holds %d)", socket.MaxPathBytes); got != want {
		t.Errorf("pathLengthFact = %q, want %q", got, want)
	}
}
