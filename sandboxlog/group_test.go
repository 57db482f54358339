package sandboxlog

import "testing"

func TestGrouperCountsRepeats(t *testing.T) {
	input := `2026-10-01 11:26:44.249 E  kernel[0:1] (Sandbox) Sandbox: curl(1) deny(1) network-outbound /Users/user/.docker/run/docker.sock
2026-10-01 11:26:45.000 E  kernel[0:1] (Sandbox) Sandbox: nc(2) deny(1) network-outbound /private/tmp/a
2026-10-01 11:26:46.500 E  kernel[0:1] (Sandbox) Sandbox: curl(3) deny(1) network-outbound /Users/user/.docker/run/docker.sock
2026-10-01 11:26:47.750 E  kernel[0:1] (Sandbox) Sandbox: curl(4) deny(1) network-outbound /Users/user/.docker/run/docker.sock
`
	events, _ := scanAll(t, input)
	var g Grouper
	var fresh []bool
	for _, ev := range events {
		_, isNew := g.Add(ev)
		fresh = append(fresh, isNew)
	}

	if want := []bool{true, true, false, false}; len(fresh) != len(want) || fresh[2] || fresh[3] || !fresh[0] || !fresh[1] {
		t.Errorf("isNew = %v, want %v", fresh, want)
	}
	groups := g.Groups()
	if len(groups) != 2 {
		t.Fatalf("got %d groups, want 2", len(groups))
	}
	curl := groups[0]
	if curl.Event.Process != "curl" || curl.Event.PID != 1 {
		t.Errorf("first group starts with %s(%d), want curl(1)", curl.Event.Process, curl.Event.PID)
	}
	if curl.Count != 3 {
		t.Errorf("Count = %d, want 3", curl.Count)
	}
	if curl.FirstTime != "2026-10-01 11:26:44.249" {
		t.Errorf("FirstTime = %q", curl.FirstTime)
	}
	if curl.LastTime != "2026-10-01 11:26:47.750" {
		t.Errorf("LastTime = %q", curl.LastTime)
	}
	if groups[1].Count != 1 || groups[1].LastTime != "2026-10-01 11:26:45.000" {
		t.Errorf("nc group = %d events, last %q", groups[1].Count, groups[1].LastTime)
	}
}

func TestTargetKind(t *testing.T) {
	tests := []struct {
		operation, target string
		want              TargetKind
	}{
		{"network-outbound", "/Users/user/.docker/run/docker.sock", TargetPath},
		{"network-outbound", "remote:*:443", TargetAddress},
		{"network-bind", "local:*:8080", TargetAddress},
		{"network-bind", "0.0.0.0:7890", TargetAddress},
		{"network-outbound", "[::1]:5432", TargetAddress},
		{"mach-lookup", "com.apple.coresymbolicationd", TargetName},
		{"user-preference-read", "kCFPreferencesAnyApplication", TargetName},
		{"forbidden-sandbox-reinit", "", TargetNone},
	}
	for _, tt := range tests {
		ev := Event{Operation: tt.operation, Target: tt.target}
		if got := ev.TargetKind(); got != tt.want {
			t.Errorf("TargetKind(%s %s) = %s, want %s", tt.operation, tt.target, got, tt.want)
		}
	}
}
