package socket

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// MaxSymlinkHops caps how many symlinks Resolve follows, like the kernel's
// MAXSYMLINKS (32 in xnu bsd/sys/param.h); past it connect(2) fails with ELOOP.
const MaxSymlinkHops = 32

// ErrSymlinkLoop is returned, wrapped, when resolving a path meets the same
// symlink twice with the same remaining path, or follows more than
// MaxSymlinkHops symlinks.
var ErrSymlinkLoop = errors.New("too many levels of symbolic links")

// privateRoots are the top-level macOS folders that are symlinks into
// /private: /tmp -> private/tmp, /var -> private/var, /etc -> private/etc.
var privateRoots = []string{"/tmp", "/var", "/etc"}

// MacOSPath returns the path as macOS resolves its top-level links: /tmp/x
// becomes /private/tmp/x, and likewise for /var and /etc. It cleans the path
// but reads no files, so it returns the same result on any host.
func MacOSPath(path string) string {
	return macOSForm(filepath.Clean(path))
}

// macOSForm is MacOSPath without cleaning, for link targets whose ".."
// elements apply after the links before them are followed.
func macOSForm(path string) string {
	for _, root := range privateRoots {
		if path == root || strings.HasPrefix(path, root+"/") {
			return "/private" + path
		}
	}
	return path
}

// Resolve expands a leading ~/ with home, follows symlinks hop by hop on the
// real file system and returns the resolved path in its macOS form with each
// hop. A missing component ends the walk, and the rest of the path is
// appended with only lexical cleaning. The error wraps ErrSymlinkLoop for a loop, and then resolved is the
// path reached so far.
func Resolve(path, home string) (resolved string, hops []Hop, err error) {
	if !filepath.IsAbs(home) {
		return "", nil, fmt.Errorf("invalid home folder %q: use an absolute path", home)
	}
	expanded, err := expandPath(path, filepath.Clean(home))
	if err != nil {
		return "", nil, err
	}
	res := resolveHost(expanded)
	return res.macPath, res.hops, res.err
}

// resolution is the outcome of walking a path on the host file system.
type resolution struct {
	host    string // resolved path on the host, usable with os.Lstat
	macPath string // the same path in its macOS form
	hops    []Hop
	err     error // wraps ErrSymlinkLoop
}

// resolveHost walks an absolute path component by component and follows
// every symlink it meets, like the kernel's namei, so ".." applies to the
// folder reached so far.
func resolveHost(path string) resolution {
	var res resolution
	done := "/"
	rest := splitPath(hostPath(path))
	seen := map[string]bool{}

	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		if name == ".." {
			done = filepath.Dir(done)
			continue
		}

		next := filepath.Join(done, name)
		fi, err := os.Lstat(next)
		if err != nil {
			// Missing, or not reachable (a file used as a folder, no
			// search permission): keep the rest as written.
			done = filepath.Join(append([]string{next}, rest...)...)
			break
		}
		if fi.Mode()&os.ModeSymlink == 0 || hostLayoutLinks[next] {
			done = next
			continue
		}

		key := next + "\x00" + strings.Join(rest, "/")
		if seen[key] || len(seen) >= MaxSymlinkHops {
			res.err = fmt.Errorf("resolving %s: %w at %s", MacOSPath(path), ErrSymlinkLoop, MacOSPath(next))
			done = filepath.Join(append([]string{next}, rest...)...)
			break
		}
		seen[key] = true

		target, err := os.Readlink(next)
		if err != nil {
			done = filepath.Join(append([]string{next}, rest...)...)
			break
		}
		// No cleaning: "sub/../x" in a target must apply ".." after
		// following sub, as the kernel does.
		if !filepath.IsAbs(target) {
			target = strings.TrimSuffix(done, "/") + "/" + target
		}
		res.addHop(next, target)

		// Restart from the root with the link's target in front of what is
		// left, because the target may itself contain symlinks.
		done = "/"
		rest = append(splitPath(hostPath(target)), rest...)
	}

	res.host = done
	res.macPath = MacOSPath(done)
	return res
}

// addHop records a followed symlink, except the /tmp, /var and /etc links of
// macOS itself, which MacOSPath already accounts for.
func (r *resolution) addHop(from, to string) {
	hop := Hop{From: MacOSPath(from), To: macOSForm(to)}
	if hop.From == hop.To {
		return
	}
	r.hops = append(r.hops, hop)
}

func splitPath(path string) []string {
	var parts []string
	for _, part := range strings.Split(path, "/") {
		if part != "" && part != "." {
			parts = append(parts, part)
		}
	}
	return parts
}

// hostHasPrivate reports whether the host has a /private folder, as macOS does.
var hostHasPrivate = sync.OnceValue(func() bool {
	fi, err := os.Stat("/private")
	return err == nil && fi.IsDir()
})

// hostPath maps a macOS path to the host's file system: on a host without
// /private, /private/tmp/x is read as /tmp/x.
func hostPath(path string) string {
	if hostHasPrivate() {
		return path
	}
	for _, root := range privateRoots {
		private := "/private" + root
		if path == private || strings.HasPrefix(path, private+"/") {
			return strings.TrimPrefix(path, "/private")
		}
	}
	return path
}
