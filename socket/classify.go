package socket

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// ClassifyDetail explains a Classify result.
type ClassifyDetail struct {
	Detail        string // one sentence for the report
	ContainerID   string // bundle ID or group ID of the enclosing container
	GroupTeamID   string // Team ID prefix of that group ID, if it has one
	SameTeam      bool   // GroupTeamID equals Options.TeamID
	SpecialSocket string // "mDNSResponder", "cupsd" or "usbmuxd" under /private/var/run
	TempKind      string // for LocationTmp: "tmp", "var-tmp" or "user-temp"
}

// Folders inside the home folder that hold sandbox containers.
const (
	containersDir      = "Library/Containers"
	groupContainersDir = "Library/Group Containers"
)

// systemRoots hold files that macOS itself installs and manages.
var systemRoots = []string{"/System", "/bin", "/sbin", "/usr", "/dev", "/private/var", "/private/etc", "/Library", "/cores"}

// Classify places a resolved macOS path relative to the app's containers,
// its claimed group containers, /private/var/run and the other folders. It
// reads no files: resolved must already be resolved and in its macOS form,
// and opts.Home should be too (MacOSPath is applied to it). The checks run
// from the most specific place to the least, so a container inside a home
// folder under /private/tmp is still a container.
func Classify(resolved string, opts Options) (Location, ClassifyDetail) {
	resolved = MacOSPath(resolved)
	home := ""
	if opts.Home != "" {
		home = MacOSPath(opts.Home)
	}

	if home != "" {
		if id, ok := firstComponentUnder(resolved, filepath.Join(home, containersDir)); ok {
			return classifyAppContainer(id, opts)
		}
		if id, ok := firstComponentUnder(resolved, filepath.Join(home, groupContainersDir)); ok {
			return classifyGroupContainer(id, opts)
		}
		if Within(resolved, home) {
			return LocationHome, ClassifyDetail{Detail: "in the home folder, outside every container"}
		}
	}

	if Within(resolved, VarRun) {
		return classifyVarRun(resolved)
	}
	if kind, detail, ok := classifyTemp(resolved); ok {
		return LocationTmp, ClassifyDetail{Detail: detail, TempKind: kind}
	}
	for _, root := range systemRoots {
		if Within(resolved, root) && !Within(resolved, "/usr/local") {
			return LocationSystem, ClassifyDetail{Detail: fmt.Sprintf("in the system folder %s", root)}
		}
	}
	return LocationOther, ClassifyDetail{Detail: "outside the home folder and the system folders"}
}

func classifyAppContainer(bundleID string, opts Options) (Location, ClassifyDetail) {
	detail := ClassifyDetail{ContainerID: bundleID}
	switch {
	case opts.BundleID != "" && bundleID == opts.BundleID:
		detail.Detail = fmt.Sprintf("in the app's own container (%s)", bundleID)
		return LocationOwnContainer, detail
	case opts.BundleID == "":
		detail.Detail = fmt.Sprintf("in the container of %s, and the app's bundle ID is unknown", bundleID)
	default:
		detail.Detail = fmt.Sprintf("in the container of another app, %s", bundleID)
	}
	return LocationOtherAppContainer, detail
}

func classifyGroupContainer(groupID string, opts Options) (Location, ClassifyDetail) {
	detail := ClassifyDetail{ContainerID: groupID, GroupTeamID: TeamPrefix(groupID)}
	detail.SameTeam = detail.GroupTeamID != "" && detail.GroupTeamID == opts.TeamID

	if slices.Contains(opts.Groups, groupID) {
		detail.Detail = fmt.Sprintf("in the container of the claimed app group %s", groupID)
		return LocationAppGroup, detail
	}

	switch {
	case detail.GroupTeamID == "":
		detail.Detail = fmt.Sprintf("in the container of app group %s, which has no Team ID prefix and which the app does not claim", groupID)
	case opts.TeamID == "":
		detail.Detail = fmt.Sprintf("in the container of app group %s of team %s, which the app does not claim, and the app's team is unknown", groupID, detail.GroupTeamID)
	case detail.SameTeam:
		detail.Detail = fmt.Sprintf("in the container of app group %s of the app's own team %s, which the app does not claim", groupID, detail.GroupTeamID)
	default:
		detail.Detail = fmt.Sprintf("in the container of app group %s of another team, %s, which the app does not claim", groupID, detail.GroupTeamID)
	}
	return LocationOtherGroup, detail
}

func classifyVarRun(resolved string) (Location, ClassifyDetail) {
	if special, ok := LookupSpecialSocket(resolved); ok {
		return LocationVarRun, ClassifyDetail{
			Detail:        fmt.Sprintf("the system socket %s under %s, %s", special.Name, VarRun, special.Rule),
			SpecialSocket: special.Name,
		}
	}
	return LocationVarRun, ClassifyDetail{Detail: "under " + VarRun + ", which the App Sandbox profile allows"}
}

// classifyTemp recognises the shared temporary folders and the per-user
// temporary folder /private/var/folders/<xx>/<hash>/T that $TMPDIR names for
// an app outside the sandbox. A sandboxed app's $TMPDIR is inside its own
// container instead.
func classifyTemp(resolved string) (kind, detail string, ok bool) {
	switch {
	case Within(resolved, "/private/tmp"):
		return "tmp", "in the shared temporary folder /private/tmp", true
	case Within(resolved, "/private/var/tmp"):
		return "var-tmp", "in the shared temporary folder /private/var/tmp", true
	}

	rest, found := strings.CutPrefix(resolved, "/private/var/folders/")
	if !found {
		return "", "", false
	}
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) >= 3 && parts[2] == "T" {
		dir := "/private/var/folders/" + strings.Join(parts[:3], "/")
		return "user-temp", fmt.Sprintf("in the per-user temporary folder %s ($TMPDIR outside the sandbox)", dir), true
	}
	return "", "", false
}

// firstComponentUnder returns the first path component of path below dir,
// such as the bundle ID in <home>/Library/Containers/<bundle-id>/Data.
func firstComponentUnder(path, dir string) (string, bool) {
	rest, found := strings.CutPrefix(path, dir+"/")
	if !found || rest == "" {
		return "", false
	}
	id, _, _ := strings.Cut(rest, "/")
	return id, true
}
