package checks

import "path"

// containerDir returns the data container of an app in home.
func containerDir(home, bundleID string) string {
	return path.Join(home, "Library", "Containers", bundleID)
}
