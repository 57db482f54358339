package cli

import (
	"path/filepath"
	"strings"

	"github.com/sockdoctor/sockdoctor/checks"
)

// validateIdentityFlags checks --bundle-id and --team-id, which name the
// app's container and are compared with app group prefixes.
func validateIdentityFlags(bundleID, teamID string) error {
	if bundleID != "" && !checks.ValidBundleID(bundleID) {
		return inputErrorf(checks.BundleIDHint, "invalid --bundle-id %q: not a bundle ID", bundleID)
	}
	if teamID != "" && !checks.ValidTeamID(teamID) {
		return inputErrorf(checks.TeamIDHint, "invalid --team-id %q: not a Team ID", teamID)
	}
	return nil
}

// validateLoadedBundleID rejects a bundle ID read from the app that cannot
// name a container folder: one with "/" or a NUL byte, or "." or "..". IDs
// that break Apple's letters-digits-hyphen-period rule but still name a
// folder, such as an older app's "com.example.my_app" or one with an
// unresolved "$(PRODUCT_NAME)", pass: macOS creates their containers all the
// same.
func validateLoadedBundleID(id, path string) error {
	if id == "" || checks.ValidBundleID(id) {
		return nil
	}
	if id != "." && id != ".." && !strings.ContainsAny(id, "/\x00") {
		return nil
	}
	return inputErrorf("fix CFBundleIdentifier in the app's Info.plist, or pass --bundle-id with the real bundle ID",
		"invalid bundle ID %q in %q: it cannot name a container folder", id, path)
}

// absoluteHome returns a --home value as an absolute, clean path. set
// reports whether the flag was given, so an empty value is rejected rather
// than read as "not given".
func absoluteHome(home string, set bool) (string, error) {
	switch {
	case set && home == "":
		return "", inputErrorf("pass the home folder, such as /Users/me, or leave out --home", "invalid --home \"\": empty path")
	case home == "":
		return "", nil
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return "", inputErrorf("pass an absolute --home, such as /Users/me", "invalid --home %q: %v", home, err)
	}
	return abs, nil
}
