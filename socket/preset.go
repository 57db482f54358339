package socket

import (
	"path/filepath"
	"slices"
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

// presetNames lists the presets in the order Presets returns them.
var presetNames = []string{
	"docker", "colima", "orbstack", "rancher", "lima", "podman",
	"ssh-agent", "gpg-agent", "1password", "secretive", "mysql",
}

// Presets returns every well-known socket with its candidate paths for the
// given home folder and environment. It reads no files, and getenv supplies
// SSH_AUTH_SOCK and TMPDIR.
func Presets(home string, getenv func(string) string) []Preset {
	presets := make([]Preset, 0, len(presetNames))
	for _, name := range presetNames {
		p, _ := LookupPreset(name, home, getenv)
		presets = append(presets, p)
	}
	return presets
}

// LookupPreset returns the preset with the given name, ignoring case.
func LookupPreset(name, home string, getenv func(string) string) (Preset, bool) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	inHome := func(rel string) string { return filepath.Join(home, rel) }

	switch strings.ToLower(name) {
	case "docker":
		return Preset{
			Name:     "docker",
			Software: "Docker Desktop",
			Candidates: []string{
				inHome(".docker/run/docker.sock"),
				"/var/run/docker.sock",
				inHome("Library/Containers/com.docker.docker/Data/docker.raw.sock"),
			},
			Note: "Docker Desktop listens on ~/.docker/run/docker.sock; /var/run/docker.sock is an optional symlink to it, " +
				"and older releases used ~/Library/Containers/com.docker.docker/Data/docker.raw.sock.",
		}, true
	case "colima":
		return Preset{
			Name:       "colima",
			Software:   "Colima",
			Candidates: []string{inHome(".colima/default/docker.sock")},
			Note:       "Colima puts each profile's socket at ~/.colima/<profile>/docker.sock; the default profile is \"default\".",
		}, true
	case "orbstack":
		return Preset{
			Name:       "orbstack",
			Software:   "OrbStack",
			Candidates: []string{inHome(".orbstack/run/docker.sock")},
			Note:       "OrbStack listens on ~/.orbstack/run/docker.sock.",
		}, true
	case "rancher":
		return Preset{
			Name:       "rancher",
			Software:   "Rancher Desktop",
			Candidates: []string{inHome(".rd/docker.sock")},
			Note:       "Rancher Desktop listens on ~/.rd/docker.sock.",
		}, true
	case "lima":
		return Preset{
			Name:     "lima",
			Software: "Lima",
			Candidates: []string{
				inHome(".lima/default/sock/docker.sock"),
				inHome(".lima/docker/sock/docker.sock"),
			},
			Note: "Lima puts each instance's socket at ~/.lima/<instance>/sock/docker.sock; common instances are \"default\" and \"docker\".",
		}, true
	case "podman":
		candidate := filepath.Join(tempDir(getenv), "podman/podman-machine-default-api.sock")
		var env map[string]string
		if getenv("TMPDIR") != "" {
			env = map[string]string{candidate: "TMPDIR"}
		}
		return Preset{
			Name:        "podman",
			Software:    "Podman machine",
			Candidates:  []string{candidate},
			Environment: env,
			Note: "Podman machine puts its API socket at $TMPDIR/podman/podman-machine-default-api.sock, " +
				"where $TMPDIR is the per-user folder under /var/folders/.../T/.",
		}, true
	case "ssh-agent":
		var candidates []string
		var env map[string]string
		if sock := getenv("SSH_AUTH_SOCK"); sock != "" {
			candidates = append(candidates, sock)
			env = map[string]string{sock: "SSH_AUTH_SOCK"}
		}
		return Preset{
			Name:        "ssh-agent",
			Software:    "ssh-agent (launchd)",
			Candidates:  candidates,
			Environment: env,
			Note: "launchd starts ssh-agent on demand and sets $SSH_AUTH_SOCK to /private/tmp/com.apple.launchd.<random>/Listeners; " +
				"with $SSH_AUTH_SOCK unset there is no path to check.",
		}, true
	case "gpg-agent":
		return Preset{
			Name:     "gpg-agent",
			Software: "GnuPG gpg-agent",
			Candidates: []string{
				inHome(".gnupg/S.gpg-agent"),
				inHome(".gnupg/S.gpg-agent.ssh"),
			},
			Note: "gpg-agent listens on ~/.gnupg/S.gpg-agent, and on ~/.gnupg/S.gpg-agent.ssh when it serves as SSH agent.",
		}, true
	case "1password":
		return Preset{
			Name:       "1password",
			Software:   "1Password SSH agent",
			Candidates: []string{inHome("Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock")},
			Note:       "1Password's SSH agent listens in its own team's group container, ~/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock.",
		}, true
	case "secretive":
		return Preset{
			Name:       "secretive",
			Software:   "Secretive",
			Candidates: []string{inHome("Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh")},
			Note:       "Secretive's agent listens in its own container, ~/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh.",
		}, true
	case "mysql":
		return Preset{
			Name:     "mysql",
			Software: "MySQL (Homebrew) or MAMP",
			Candidates: []string{
				"/tmp/mysql.sock",
				"/Applications/MAMP/tmp/mysql/mysql.sock",
			},
			Note: "Homebrew's MySQL listens on /tmp/mysql.sock; MAMP uses /Applications/MAMP/tmp/mysql/mysql.sock.",
		}, true
	}
	return Preset{}, false
}

// PresetNames returns the names LookupPreset accepts, in catalog order.
func PresetNames() []string {
	return append([]string(nil), presetNames...)
}

// containerEngines are the presets whose server is a container engine.
var containerEngines = []string{"docker", "colima", "orbstack", "rancher", "lima", "podman"}

// ContainerEngine reports whether the preset's server is a container engine
// that runs Linux containers in a virtual machine.
func (p Preset) ContainerEngine() bool {
	return slices.Contains(containerEngines, p.Name)
}

// IsContainerEngineSocket reports whether path is a usual socket of a
// container engine: a candidate or path pattern of a container engine
// preset, or any socket named docker.sock, podman.sock or containerd.sock.
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

// presetPatterns are filepath.Match patterns, relative to the home folder
// unless absolute, for socket paths of a preset beyond its fixed candidates:
// other Colima profiles, Lima instances and launchd's ssh-agent folders.
var presetPatterns = map[string][]string{
	"colima":    {".colima/*/docker.sock"},
	"lima":      {".lima/*/sock/docker.sock"},
	"podman":    {"/private/var/folders/*/*/T/podman/podman-machine-*-api.sock"},
	"ssh-agent": {"/private/tmp/com.apple.launchd.*/Listeners"},
}

// MatchPreset returns the preset whose candidate paths or known path
// patterns include path, comparing macOS forms, so a socket given with
// --socket still gets the advice of its software.
func MatchPreset(path, home string, getenv func(string) string) (Preset, bool) {
	target := MacOSPath(path)
	for _, p := range Presets(home, getenv) {
		for _, candidate := range p.Candidates {
			if MacOSPath(candidate) == target {
				return p, true
			}
		}
		for _, pattern := range presetPatterns[p.Name] {
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
