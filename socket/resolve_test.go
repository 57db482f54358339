package socket

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestResolveFollowsHops(t *testing.T) {
	root := shortTempDir(t)
	target := filepath.Join(root, "real", "s.sock")
	mkdirAll(t, filepath.Dir(target))
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// first -> second (relative) -> real/s.sock, and a folder link on the way.
	symlink(t, filepath.Join(root, "second"), filepath.Join(root, "first"))
	symlink(t, "real/s.sock", filepath.Join(root, "second"))
	symlink(t, "real", filepath.Join(root, "dirlink"))

	resolved, hops, err := Resolve(filepath.Join(root, "first"), "/home/none")
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(target); resolved != want {
		t.Errorf("resolved = %q, want %q", resolved, want)
	}
	wantHops := []Hop{
		{From: MacOSPath(filepath.Join(root, "first")), To: MacOSPath(filepath.Join(root, "second"))},
		{From: MacOSPath(filepath.Join(root, "second")), To: MacOSPath(target)},
	}
	if !slices.Equal(hops, wantHops) {
		t.Errorf("hops = %v, want %v", hops, wantHops)
	}

	resolved, hops, err = Resolve(filepath.Join(root, "dirlink", "s.sock"), "/home/none")
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(target); resolved != want {
		t.Errorf("through folder link: resolved = %q, want %q", resolved, want)
	}
	if len(hops) != 1 || hops[0].From != MacOSPath(filepath.Join(root, "dirlink")) {
		t.Errorf("through folder link: hops = %v, want one hop from dirlink", hops)
	}
}

func TestResolveMissingKeepsRest(t *testing.T) {
	root := shortTempDir(t)
	symlink(t, filepath.Join(root, "gone"), filepath.Join(root, "dangling"))

	resolved, hops, err := Resolve(filepath.Join(root, "dangling", "sub", "s.sock"), "/home/none")
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(filepath.Join(root, "gone", "sub", "s.sock")); resolved != want {
		t.Errorf("resolved = %q, want %q", resolved, want)
	}
	if len(hops) != 1 {
		t.Errorf("hops = %v, want the dangling link only", hops)
	}
}

func TestResolveDotDotAfterLink(t *testing.T) {
	root := shortTempDir(t)
	mkdirAll(t, filepath.Join(root, "a", "b"))
	symlink(t, filepath.Join(root, "a", "b"), filepath.Join(root, "link"))

	// The kernel applies ".." to the link's target, not to the link's folder.
	resolved, _, err := Resolve(filepath.Join(root, "link")+"/../s.sock", "/home/none")
	if err != nil {
		t.Fatal(err)
	}
	// filepath.Join would clean "link/.." away, so the test builds the input
	// by hand and expects the target's parent.
	if want := MacOSPath(filepath.Join(root, "a", "s.sock")); resolved != want {
		t.Logf("resolved = %q; lexical cleaning of the input gives %q", resolved, MacOSPath(filepath.Join(root, "s.sock")))
		t.Errorf("resolved = %q, want %q", resolved, want)
	}
}

func TestResolveLoop(t *testing.T) {
	root := shortTempDir(t)
	symlink(t, filepath.Join(root, "b"), filepath.Join(root, "a"))
	symlink(t, filepath.Join(root, "a"), filepath.Join(root, "b"))

	_, hops, err := Resolve(filepath.Join(root, "a"), "/home/none")
	if !errors.Is(err, ErrSymlinkLoop) {
		t.Fatalf("error = %v, want ErrSymlinkLoop", err)
	}
	if len(hops) != 2 {
		t.Errorf("hops = %v, want a -> b and b -> a before the loop is seen", hops)
	}
}

func TestResolveHopCap(t *testing.T) {
	root := shortTempDir(t)
	// A chain one longer than the cap, with no loop in it.
	for i := range MaxSymlinkHops + 1 {
		symlink(t, filepath.Join(root, "l"+itoa(i+1)), filepath.Join(root, "l"+itoa(i)))
	}

	_, hops, err := Resolve(filepath.Join(root, "l"+itoa(0)), "/home/none")
	if !errors.Is(err, ErrSymlinkLoop) {
		t.Fatalf("error = %v, want ErrSymlinkLoop after %d hops", err, MaxSymlinkHops)
	}
	if len(hops) != MaxSymlinkHops {
		t.Errorf("followed %d hops, want %d", len(hops), MaxSymlinkHops)
	}
}

func TestResolveExpandsHome(t *testing.T) {
	resolved, _, err := Resolve("~/.docker/run/docker.sock", "/nonexistent-home")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/nonexistent-home/.docker/run/docker.sock"; resolved != want {
		t.Errorf("resolved = %q, want %q", resolved, want)
	}
}

func TestResolveRejectsBadInput(t *testing.T) {
	tests := []struct{ path, home string }{
		{"", "/home/u"},
		{"~other/x", "/home/u"},
		{"/tmp/a\x00b", "/home/u"},
		{"/tmp/x", "relative/home"},
	}
	for _, tt := range tests {
		if _, _, err := Resolve(tt.path, tt.home); err == nil {
			t.Errorf("Resolve(%q, %q) returned no error", tt.path, tt.home)
		}
	}
}

func TestHostLayoutLinksNotFollowed(t *testing.T) {
	for link := range hostLayoutLinks {
		fi, err := os.Lstat(link)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			continue
		}
		resolved, hops, err := Resolve(link+"/x.sock", "/home/none")
		if err != nil {
			t.Fatal(err)
		}
		if want := MacOSPath(link + "/x.sock"); resolved != want {
			t.Errorf("resolved = %q, want %q: the host's %s link must not be followed", resolved, want, link)
		}
		if len(hops) != 0 {
			t.Errorf("hops = %v, want none", hops)
		}
		return
	}
	t.Skip("skipped: this host has no /var/run or /var/lock symlink to test")
}

// itoa returns a two-letter name for i, so link names sort in chain order.
func itoa(i int) string {
	return string(rune('a'+i/26)) + string(rune('a'+i%26))
}

func TestResolveTargetDotDotAfterLink(t *testing.T) {
	root := shortTempDir(t)
	mkdirAll(t, filepath.Join(root, "a", "b"))
	symlink(t, "a/b", filepath.Join(root, "sub"))
	symlink(t, "sub/../file", filepath.Join(root, "t"))

	resolved, hops, err := Resolve(filepath.Join(root, "t"), "/home/none")
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(filepath.Join(root, "a", "file")); resolved != want {
		t.Errorf("resolved = %q, want %q", resolved, want)
	}
	if len(hops) != 2 {
		t.Fatalf("hops = %v, want t and sub", hops)
	}
	if want := MacOSPath(root) + "/sub/../file"; hops[0].To != want {
		t.Errorf("first hop leads to %q, want the uncleaned target %q", hops[0].To, want)
	}
}

func TestAddHopSkipsPrivateLinks(t *testing.T) {
	var res resolution
	res.addHop("/tmp", "/private/tmp")
	res.addHop("/var", "/private/var")
	res.addHop("/etc", "/private/etc")
	if len(res.hops) != 0 {
		t.Errorf("hops = %v, want none for the /tmp, /var and /etc links of macOS", res.hops)
	}
	res.addHop("/var/run/docker.sock", "/Users/dev/.docker/run/docker.sock")
	if len(res.hops) != 1 {
		t.Errorf("hops = %v, want the docker.sock link", res.hops)
	}
}
