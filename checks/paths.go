package checks

import (
	"path"
	"strings"
)

// VarRun is the resolved folder whose sockets the App Sandbox profile lets
// every app connect to (application.sb, macOS 14.4 and 26.6).
const VarRun = "/private/var/run"

// within reports whether p is dir or lies below it. Both are cleaned paths.
func within(p, dir string) bool {
	if dir == "" {
		return false
	}
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// containerDir returns the data container of an app in home.
func containerDir(home, bundleID string) string {
	return path.Join(home, "Library", "Containers", bundleID)
}
