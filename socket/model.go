package socket

import (
	"fmt"
	"path/filepath"
)

// documentedLink is a symlink outside the home folder that a well-known
// server creates on a Mac, with its target relative to the home folder.
type documentedLink struct {
	target string // relative to the home folder
	source string // who documents the link
}

// documentedLinks are keyed by the link's macOS path.
var documentedLinks = map[string]documentedLink{
	// Docker Desktop's optional /var/run/docker.sock points into the home
	// folder (docker/for-mac issue 7109).
	"/private/var/run/docker.sock": {target: ".docker/run/docker.sock", source: "Docker Desktop (docker/for-mac issue 7109)"},
}

// IsDocumentedLink reports whether path, in any form macOS accepts, is a
// symlink that a well-known server creates outside the home folder, such
// as Docker Desktop's /var/run/docker.sock. Options.ModelOutsideHome judges
// such a path by its documented target.
func IsDocumentedLink(path string) bool {
	_, ok := documentedLinks[MacOSPath(path)]
	return ok
}

// DocumentedLink returns the target of a documented symlink, relative to
// the home folder, and who documents it, for a path IsDocumentedLink
// accepts.
func DocumentedLink(path string) (homeRelative, source string, ok bool) {
	link, ok := documentedLinks[MacOSPath(path)]
	return link.target, link.source, ok
}

// modelOutsideHome reports whether Inspect must model expanded instead of
// reading it: opts.ModelOutsideHome is set and the path lies outside the
// home folder, or the path is a documented symlink and this host is not a
// Mac. On Linux /var/run/docker.sock is no symlink (or Docker Engine's own
// socket), so reading it would judge a path a Mac does not have.
func modelOutsideHome(expanded string, opts Options) bool {
	if !hostHasDocumentedLinks && IsDocumentedLink(expanded) {
		return true
	}
	if !opts.ModelOutsideHome {
		return false
	}
	given := MacOSPath(expanded)
	return !Within(given, MacOSPath(opts.Home)) && (opts.givenHome == "" || !Within(given, opts.givenHome))
}

// inspectModelled fills info for a path outside the modelled home folder
// without reading or dialling it on this host. A documented symlink is
// followed to its target inside the home folder, which is read as usual.
// Any other path gets the file state "unknown".
func inspectModelled(info *Info, expanded string, opts Options) {
	given := MacOSPath(expanded)
	link, ok := documentedLinks[given]
	if !ok {
		info.ResolvedPath = given
		info.PathBytes = len(given)
		classifyInto(info, opts)
		info.Type = "unknown"
		info.Modelled = fmt.Sprintf("%s is outside the home folder %s, which models a Mac, so it was not read or dialled on this host", given, opts.Home)
		info.Dial = Dial{Result: DialSkipped, SkipReason: skippedOutsideHome}
		return
	}

	target := filepath.Join(opts.Home, link.target)
	res := resolveHost(target)
	info.ResolvedPath = res.macPath
	info.PathBytes = len(res.macPath)
	info.Hops = append([]Hop{{From: given, To: MacOSPath(target)}}, res.hops...)
	if res.err != nil {
		info.ResolveError = res.err.Error()
	}
	classifyInto(info, opts)
	info.Modelled = fmt.Sprintf("%s was not read on this host: %s makes it a symlink to ~/%s, so that target in the home folder %s was checked",
		given, link.source, link.target, opts.Home)
	readAndDial(info, res, res.host, opts)
}
