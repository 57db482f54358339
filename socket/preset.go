package socket

import (
	"path/filepath"
	"strings"
)

// Preset is a well-known socket: the software that serves it, the paths it
// usually uses and a note on where to find it.
type Preset struct {
	Name       string   `json:"name"` // the --preset value, such as "docker"
	Software   string   `json:"software"`
	Candidates []string `json:"candidates"` // most likely first; may be empty
	Note       string   `json:"note"`
	// Environment maps each candidate taken from an environment variable
	// to that variable's name, such as "SSH_AUTH_SOCK". Such a candidate
	// describes the machine sockdoctor runs on, which may not be the Mac
	// the report is about.
	Environment map[string]string `json:"environment,omitempty"`
}

// presetSpec describes one preset. Paths are relative to the home folder
// unless absolute, in the order the preset lists them. environment, when
// set, appends candidates that depend on environment variables.
type presetSpec struct {
	name     string
	software string
	note     string
	engine   bool // the server is a container engine
	paths    []string
	// patterns are filepath.Match patterns, relative to the home folder
	// unless absolute, for socket paths beyond the fixed candidates.
	patterns    []string
	environment func(getenv func(string) string) (candidates []string, env map[string]string)
}

// presetSpecs is the preset catalog, in the order Presets returns it.
var presetSpecs = []presetSpec{
	{
		name:     "docker",
		software: "Docker Desktop",
		engine:   true,
		paths: []string{
			".docker/run/docker.sock",
			"/var/run/docker.sock",
			"Library/Containers/com.docker.docker/Data/docker.raw.sock",
		},
		note: "Docker Desktop listens on ~/.docker/run/docker.sock; /var/run/docker.sock is an optional symlink to it, " +
			"and older releases used ~/Library/Containers/com.docker.docker/Data/docker.raw.sock.",
	},
	{
		name:     "colima",
		software: "Colima",
		engine:   true,
		paths:    []string{".colima/default/docker.sock"},
		patterns: []string{".colima/*/docker.sock"},
		note:     "Colima puts each profile's socket at ~/.colima/<profile>/docker.sock; the default profile is \"default\".",
	},
	{
		name:     "orbstack",
		software: "OrbStack",
		engine:   true,
		paths:    []string{".orbstack/run/docker.sock"},
		note:     "OrbStack listens on ~/.orbstack/run/docker.sock.",
	},
	{
		name:     "rancher",
		software: "Rancher Desktop",
		engine:   true,
		paths:    []string{".rd/docker.sock"},
		note:     "Rancher Desktop listens on ~/.rd/docker.sock.",
	},
	{
		name:     "lima",
		software: "Lima",
		engine:   true,
		paths: []string{
			".lima/default/sock/docker.sock",
			".lima/docker/sock/docker.sock",
		},
		patterns: []string{".lima/*/sock/docker.sock"},
		note:     "Lima puts each instance's socket at ~/.lima/<instance>/sock/docker.sock; common instances are \"default\" and \"docker\".",
	},
	{
		name:        "podman",
		software:    "Podman machine",
		engine:      true,
		patterns:    []string{"/private/var/folders/*/*/T/podman/podman-machine-*-api.sock"},
		environment: podmanCandidates,
		note: "Podman machine puts its API socket at $TMPDIR/podman/podman-machine-default-api.sock, " +
			"where $TMPDIR is the per-user folder under /var/folders/.../T/.",
	},
	{
		name:        "ssh-agent",
		software:    "ssh-agent (launchd)",
		patterns:    []string{"/private/tmp/com.apple.launchd.*/Listeners"},
		environment: sshAgentCandidates,
		note: "launchd starts ssh-agent on demand and sets $SSH_AUTH_SOCK to /private/tmp/com.apple.launchd.<random>/Listeners; " +
			"with $SSH_AUTH_SOCK unset there is no path to check.",
	},
	{
		name:     "gpg-agent",
		software: "GnuPG gpg-agent",
		paths: []string{
			".gnupg/S.gpg-agent",
			".gnupg/S.gpg-agent.ssh",
		},
		note: "gpg-agent listens on ~/.gnupg/S.gpg-agent, and on ~/.gnupg/S.gpg-agent.ssh when it serves as SSH agent.",
	},
	{
		name:     "1password",
		software: "1Password SSH agent",
		paths:    []string{"Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock"},
		note:     "1Password's SSH agent listens in its own team's group container, ~/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock.",
	},
	{
		name:     "secretive",
		software: "Secretive",
		paths:    []string{"Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh"},
		note:     "Secretive's agent listens in its own container, ~/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh.",
	},
	{
		name:     "mysql",
		software: "MySQL (Homebrew) or MAMP",
		paths: []string{
			"/tmp/mysql.sock",
			"/Applications/MAMP/tmp/mysql/mysql.sock",
		},
		note: "Homebrew's MySQL listens on /tmp/mysql.sock; MAMP uses /Applications/MAMP/tmp/mysql/mysql.sock.",
	},
}

// podmanCandidates returns the Podman machine socket under $TMPDIR.
func podmanCandidates(getenv func(string) string) ([]string, map[string]string) {
	candidate := filepath.Join(tempDir(getenv), "podman/podman-machine-default-api.sock")
	if getenv("TMPDIR") == "" {
		return []string{candidate}, nil
	}
	return []string{candidate}, map[string]string{candidate: "TMPDIR"}
}

// sshAgentCandidates returns $SSH_AUTH_SOCK, or nothing when it is unset.
func sshAgentCandidates(getenv func(string) string) ([]string, map[string]string) {
	sock := getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, nil
	}
	return []string{sock}, map[string]string{sock: "SSH_AUTH_SOCK"}
}

// Presets returns every well-known socket with its candidate paths for the
// given home folder and environment. It reads no files, and getenv supplies
// SSH_AUTH_SOCK and TMPDIR.
func Presets(home string, getenv func(string) string) []Preset {
	presets := make([]Preset, 0, len(presetSpecs))
	for i := range presetSpecs {
		presets = append(presets, presetSpecs[i].build(home, getenv))
	}
	return presets
}

// LookupPreset returns the preset with the given name, ignoring case.
func LookupPreset(name, home string, getenv func(string) string) (Preset, bool) {
	spec, ok := lookupSpec(name)
	if !ok {
		return Preset{}, false
	}
	return spec.build(home, getenv), true
}

func lookupSpec(name string) (*presetSpec, bool) {
	for i := range presetSpecs {
		if strings.EqualFold(presetSpecs[i].name, name) {
			return &presetSpecs[i], true
		}
	}
	return nil, false
}

// build returns the preset with its candidates for home and getenv.
func (s *presetSpec) build(home string, getenv func(string) string) Preset {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	p := Preset{Name: s.name, Software: s.software, Note: s.note}
	for _, path := range s.paths {
		if !filepath.IsAbs(path) {
			path = filepath.Join(home, path)
		}
		p.Candidates = append(p.Candidates, path)
	}
	if s.environment != nil {
		candidates, env := s.environment(getenv)
		p.Candidates = append(p.Candidates, candidates...)
		p.Environment = env
	}
	return p
}

// PresetNames returns the names LookupPreset accepts, in catalog order.
func PresetNames() []string {
	names := make([]string, len(presetSpecs))
	for i, spec := range presetSpecs {
		names[i] = spec.name
	}
	return names
}

// ContainerEngine reports whether the preset's server is a container engine
// that runs Linux containers in a virtual machine.
func (p Preset) ContainerEngine() bool {
	spec, ok := lookupSpec(p.Name)
	return ok && spec.engine
}

// IsContainerEngineSocket reports whether path is a usual socket of a
// container engine: a candidate or path pattern of a container engine
// preset, or any socket named docker.sock, docker.raw.sock, podman.sock or
// containerd.sock.
func IsContainerEngineSocket(path, home string) bool {
	switch filepath.Base(path) {
	case "docker.sock", "docker.raw.sock", "podman.sock", "containerd.sock":
		return true
	}
	p, ok := MatchPreset(path, home, nil)
	return ok && p.ContainerEngine()
}

// tempDir returns $TMPDIR, or /tmp when it is unset as on Linux.
func tempDir(getenv func(string) string) string {
	if dir := getenv("TMPDIR"); dir != "" {
		return dir
	}
	return "/tmp"
}

// MatchPreset returns the preset whose candidate paths or known path
// patterns include path, comparing macOS forms, so a socket given with
// --socket still gets the advice of its software.
func MatchPreset(path, home string, getenv func(string) string) (Preset, bool) {
	target := MacOSPath(path)
	for i := range presetSpecs {
		spec := &presetSpecs[i]
		p := spec.build(home, getenv)
		for _, candidate := range p.Candidates {
			if MacOSPath(candidate) == target {
				return p, true
			}
		}
		for _, pattern := range spec.patterns {
			if !filepath.IsAbs(pattern) {
				pattern = escapePattern(MacOSPath(home)) + "/" + pattern
			}
			if ok, _ := filepath.Match(pattern, target); ok {
				return p, true
			}
		}
	}
	return Preset{}, false
}

// escapePattern quotes the characters filepath.Match treats as special, so
// a home folder such as "/Users/a[1]" matches itself.
func escapePattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
