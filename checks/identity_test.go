package checks

import (
	"strings"
	"testing"

	"github.com/sockdoctor/sockdoctor/socket"
)

func TestValidBundleID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"com.example.MyApp", true},
		{"com.example.my-app2", true},
		{"MyApp", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../../../etc", false},
		{"../../../", false},
		{"com.example..App", false},
		{".com.example", false},
		{"com.example.", false},
		{"com/example", false},
		{"com.example.My_App", false},
		{"com.example.Äpp", false},
		{"com.example.$(PRODUCT_NAME)", false},
		{strings.Repeat("a", MaxBundleIDBytes+1), false},
	}
	for _, tt := range tests {
		if got := ValidBundleID(tt.id); got != tt.want {
			t.Errorf("ValidBundleID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestValidTeamID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"ABCDE12345", true},
		{"2BUA8C4S2C", true},
		{"abcde12345", false},
		{"bad team!", false},
		{"ABCDE1234", false},
		{"ABCDE123456", false},
		{"ABCDE1234/", false},
	}
	for _, tt := range tests {
		if got := ValidTeamID(tt.id); got != tt.want {
			t.Errorf("ValidTeamID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestDiagnoseIgnoresTraversingBundleID(t *testing.T) {
	app := sandboxedApp(nil)
	app.BundleID = "../../../../../../../etc"
	info := listening("/etc/s.sock", socket.LocationOther)
	d := Diagnose(Input{Target: app, Socket: info, Operation: "connect", Distribution: DistributionDeveloperID, Home: testHome})

	if d.Verdict.Sandbox == SandboxAllowed {
		t.Errorf("verdict = %q, want the socket in /etc not to count as the app's container", d.Verdict.Sandbox)
	}
	if strings.Contains(d.Verdict.Summary, "(/etc)") {
		t.Errorf("summary places the container at /etc: %s", d.Verdict.Summary)
	}
}
