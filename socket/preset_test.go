package socket

import (
	"slices"
	"strings"
	"testing"
)

func fakeEnv(vars map[string]string) func(string) string {
	return func(key string) string { return vars[key] }
}

func TestPresetsCandidates(t *testing.T) {
	const home = "/Users/dev"
	env := fakeEnv(map[string]string{
		"SSH_AUTH_SOCK": "/private/tmp/com.apple.launchd.Ab12Cd/Listeners",
		"TMPDIR":        "/var/folders/zz/abc/T/",
	})

	tests := []struct {
		name     string
		software string
		want     []string
	}{
		{"docker", "Docker Desktop", []string{
			"/Users/dev/.docker/run/docker.sock",
			"/var/run/docker.sock",
			"/Users/dev/Library/Containers/com.docker.docker/Data/docker.raw.sock",
		}},
		{"colima", "Colima", []string{"/Users/dev/.colima/default/docker.sock"}},
		{"orbstack", "OrbStack", []string{"/Users/dev/.orbstack/run/docker.sock"}},
		{"rancher", "Rancher Desktop", []string{"/Users/dev/.rd/docker.sock"}},
		{"lima", "Lima", []string{"/Users/dev/.lima/default/sock/docker.sock", "/Users/dev/.lima/docker/sock/docker.sock"}},
		{"podman", "Podman machine", []string{"/var/folders/zz/abc/T/podman/podman-machine-default-api.sock"}},
		{"ssh-agent", "ssh-agent (launchd)", []string{"/private/tmp/com.apple.launchd.Ab12Cd/Listeners"}},
		{"gpg-agent", "GnuPG gpg-agent", []string{"/Users/dev/.gnupg/S.gpg-agent", "/Users/dev/.gnupg/S.gpg-agent.ssh"}},
		{"1password", "1Password SSH agent", []string{"/Users/dev/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock"}},
		{"secretive", "Secretive", []string{"/Users/dev/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh"}},
		{"mysql", "MySQL (Homebrew) or MAMP", []string{"/tmp/mysql.sock", "/Applications/MAMP/tmp/mysql/mysql.sock"}},
	}

	presets := Presets(home, env)
	if len(presets) != len(tests) {
		t.Fatalf("Presets returned %d presets, want %d", len(presets), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := presets[i]
			if p.Name != tt.name {
				t.Fatalf("preset %d is %q, want %q", i, p.Name, tt.name)
			}
			if p.Software != tt.software {
				t.Errorf("software = %q, want %q", p.Software, tt.software)
			}
			if !slices.Equal(p.Candidates, tt.want) {
				t.Errorf("candidates = %q, want %q", p.Candidates, tt.want)
			}
			if p.Note == "" {
				t.Error("note is empty")
			}
		})
	}
}

func TestPresetsWithoutEnvironment(t *testing.T) {
	ssh, ok := LookupPreset("ssh-agent", "/Users/dev", fakeEnv(nil))
	if !ok {
		t.Fatal("ssh-agent preset not found")
	}
	if len(ssh.Candidates) != 0 {
		t.Errorf("candidates = %q, want none without SSH_AUTH_SOCK", ssh.Candidates)
	}
	if !strings.Contains(ssh.Note, "SSH_AUTH_SOCK") {
		t.Errorf("note = %q, want it to explain SSH_AUTH_SOCK", ssh.Note)
	}

	podman, _ := LookupPreset("podman", "/Users/dev", nil)
	if want := []string{"/tmp/podman/podman-machine-default-api.sock"}; !slices.Equal(podman.Candidates, want) {
		t.Errorf("podman candidates = %q, want %q without TMPDIR", podman.Candidates, want)
	}
}

func TestLookupPreset(t *testing.T) {
	if _, ok := LookupPreset("Docker", "/h", nil); !ok {
		t.Error("LookupPreset is case-sensitive; want Docker to find docker")
	}
	if _, ok := LookupPreset("dockr", "/h", nil); ok {
		t.Error("LookupPreset found a preset for a misspelled name")
	}
	for _, name := range PresetNames() {
		if p, ok := LookupPreset(name, "/h", nil); !ok || p.Name != name {
			t.Errorf("LookupPreset(%q) = %q, %v", name, p.Name, ok)
		}
	}
}

// TestPresetLocations checks each preset's first candidate against the
// location its table row states for a sandboxed third-party app.
func TestPresetLocations(t *testing.T) {
	const home = "/Users/dev"
	env := fakeEnv(map[string]string{
		"SSH_AUTH_SOCK": "/private/tmp/com.apple.launchd.Ab12Cd/Listeners",
		"TMPDIR":        "/var/folders/zz/abc/T/",
	})
	want := map[string]Location{
		"docker":    LocationHome,
		"colima":    LocationHome,
		"orbstack":  LocationHome,
		"rancher":   LocationHome,
		"lima":      LocationHome,
		"podman":    LocationTmp,
		"ssh-agent": LocationTmp,
		"gpg-agent": LocationHome,
		"1password": LocationOtherGroup,
		"secretive": LocationOtherAppContainer,
		"mysql":     LocationTmp,
	}
	app := Options{Home: home, BundleID: "com.example.Viewer", TeamID: "ABCDE12345"}
	for _, p := range Presets(home, env) {
		got, _ := Classify(p.Candidates[0], app)
		if got != want[p.Name] {
			t.Errorf("%s: %s is %q, want %q", p.Name, p.Candidates[0], got, want[p.Name])
		}
	}
}

func TestMatchPreset(t *testing.T) {
	const home = "/Users/dev"
	env := fakeEnv(map[string]string{"TMPDIR": "/var/folders/zz/abc/T/"})
	tests := []struct {
		path string
		want string
	}{
		{"/Users/dev/.docker/run/docker.sock", "docker"},
		{"/private/var/run/docker.sock", "docker"},
		{"/Users/dev/.colima/work/docker.sock", "colima"},
		{"/Users/dev/.lima/podman/sock/docker.sock", "lima"},
		{"/var/folders/zz/abc/T/podman/podman-machine-default-api.sock", "podman"},
		{"/var/folders/yy/def/T/podman/podman-machine-dev-api.sock", "podman"},
		{"/tmp/com.apple.launchd.Ab12Cd/Listeners", "ssh-agent"},
		{"/Users/dev/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", "1password"},
		{"/private/tmp/mysql.sock", "mysql"},
		{"/Users/dev/.colima/work/sub/docker.sock", ""},
		{"/Users/other/.docker/run/docker.sock", ""},
		{"/tmp/other.sock", ""},
	}
	for _, tt := range tests {
		p, ok := MatchPreset(tt.path, home, env)
		if tt.want == "" {
			if ok {
				t.Errorf("MatchPreset(%q) = %q, want no match", tt.path, p.Name)
			}
			continue
		}
		if !ok || p.Name != tt.want {
			t.Errorf("MatchPreset(%q) = %q, %v, want %q", tt.path, p.Name, ok, tt.want)
		}
	}
}

func TestMatchPresetHomeWithPatternCharacters(t *testing.T) {
	const home = "/Users/a[1]*"
	if p, ok := MatchPreset(home+"/.colima/work/docker.sock", home, nil); !ok || p.Name != "colima" {
		t.Errorf("MatchPreset = %q, %v, want colima", p.Name, ok)
	}
	if _, ok := MatchPreset("/Users/a1x/.colima/work/docker.sock", home, nil); ok {
		t.Error("home pattern characters matched another folder")
	}
}

func TestPresetCatalogConsistent(t *testing.T) {
	presets := Presets("/Users/user", nil)
	names := PresetNames()
	if len(names) != len(presets) {
		t.Fatalf("PresetNames has %d names, Presets %d presets", len(names), len(presets))
	}
	for i, p := range presets {
		if names[i] != p.Name {
			t.Errorf("PresetNames()[%d] = %q, want %q", i, names[i], p.Name)
		}
		if _, ok := LookupPreset(strings.ToUpper(p.Name), "/Users/user", nil); !ok {
			t.Errorf("LookupPreset(%q) found nothing", strings.ToUpper(p.Name))
		}
	}
	var engines []string
	for _, p := range presets {
		if p.ContainerEngine() {
			engines = append(engines, p.Name)
		}
	}
	want := []string{"docker", "colima", "orbstack", "rancher", "lima", "podman"}
	if !slices.Equal(engines, want) {
		t.Errorf("container engines = %v, want %v", engines, want)
	}
}

func TestInfoGivenBytes(t *testing.T) {
	if got := (&Info{Path: "/tmp/a.sock"}).GivenBytes(); got != len("/tmp/a.sock") {
		t.Errorf("GivenBytes without GivenPathBytes = %d, want %d", got, len("/tmp/a.sock"))
	}
	if got := (&Info{Path: "/tmp/a.sock", GivenPathBytes: 7}).GivenBytes(); got != 7 {
		t.Errorf("GivenBytes = %d, want 7", got)
	}
}
