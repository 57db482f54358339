package socket

import (
	"encoding/json"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInspectTmpPathNormalised(t *testing.T) {
	if fi, err := os.Stat("/tmp"); err != nil || !fi.IsDir() {
		t.Skip("skipped: the host has no /tmp folder")
	}
	dir, err := os.MkdirTemp("/tmp", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tmpPath := dir + "/mysql.sock"
	listenStream(t, tmpPath)

	info, err := Inspect(tmpPath, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/private" + tmpPath; info.ResolvedPath != want {
		t.Errorf("resolved path = %q, want %q", info.ResolvedPath, want)
	}
	if info.PathBytes != len(tmpPath)+len("/private") {
		t.Errorf("path bytes = %d, want %d", info.PathBytes, len(tmpPath)+len("/private"))
	}
	if info.GivenPathBytes != len(tmpPath) {
		t.Errorf("tmpPath path bytes = %d, want %d", info.GivenPathBytes, len(tmpPath))
	}
	if info.Location != LocationTmp || info.TempKind != "tmp" {
		t.Errorf("location = %q (%q), want tmp (tmp)", info.Location, info.TempKind)
	}
	if len(info.Hops) != 0 {
		t.Errorf("hops = %v, want none", info.Hops)
	}
	if info.Type != "socket" || !info.Exists {
		t.Errorf("type = %q, exists = %v, want an existing socket", info.Type, info.Exists)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("dial = %+v, want connected", info.Dial)
	}

	// The macOS form of the path reads the same host file.
	private, err := Inspect("/private"+tmpPath, Options{Home: "/nonexistent-home"})
	if err != nil {
		t.Fatal(err)
	}
	if !private.Exists || private.ResolvedPath != info.ResolvedPath {
		t.Errorf("/private form: exists = %v, resolved = %q, want the same socket", private.Exists, private.ResolvedPath)
	}
}

func TestInspectDockerSymlink(t *testing.T) {
	root := shortTempDir(t)
	home := filepath.Join(root, "home")
	real := filepath.Join(home, ".docker", "run", "docker.sock")
	link := filepath.Join(root, "var", "run", "docker.sock")
	listenStream(t, real)
	symlink(t, real, link)

	info, err := Inspect(link, Options{Home: home, BundleID: "com.example.Viewer", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != link {
		t.Errorf("path = %q, want %q", info.Path, link)
	}
	if want := MacOSPath(real); info.ResolvedPath != want {
		t.Errorf("resolved path = %q, want %q", info.ResolvedPath, want)
	}
	want := []Hop{{From: MacOSPath(link), To: MacOSPath(real)}}
	if len(info.Hops) != 1 || info.Hops[0] != want[0] {
		t.Errorf("hops = %v, want %v", info.Hops, want)
	}
	if info.Location != LocationHome {
		t.Errorf("location = %q, want home", info.Location)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("dial = %+v, want connected", info.Dial)
	}
	if info.Mode == "" || info.Mode[0] != 's' {
		t.Errorf("mode = %q, want a socket mode", info.Mode)
	}
	if info.Owner == "" {
		t.Error("owner is empty")
	}
	if !info.Writable {
		t.Error("writable = false for a socket the test created")
	}
}

func TestInspectOtherTeamGroup(t *testing.T) {
	home := shortTempDir(t)
	sock := filepath.Join(home, "Library", "Group Containers", "2BUA8C4S2C.com.1password", "t", "agent.sock")
	listenStream(t, sock)

	info, err := Inspect("~/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock", Options{
		Home:     home,
		BundleID: "com.example.Viewer",
		TeamID:   "ABCDE12345",
		Groups:   []string{"ABCDE12345.viewer"},
		Dial:     true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != sock {
		t.Errorf("path = %q, want %q after ~ expansion", info.Path, sock)
	}
	if info.Location != LocationOtherGroup {
		t.Errorf("location = %q, want other-group", info.Location)
	}
	if info.ContainerID != "2BUA8C4S2C.com.1password" {
		t.Errorf("container ID = %q", info.ContainerID)
	}
	if info.GroupTeamID != "2BUA8C4S2C" {
		t.Errorf("group team ID = %q, want 2BUA8C4S2C", info.GroupTeamID)
	}
	if info.SameTeam {
		t.Error("same team = true for another team's group")
	}
	if !strings.Contains(info.LocationDetail, "another team") {
		t.Errorf("detail = %q, want it to name another team", info.LocationDetail)
	}
	if info.Dial.Result != DialConnected {
		t.Errorf("dial = %+v, want connected (the host has no sandbox)", info.Dial)
	}
}

func TestInspectOtherAppContainer(t *testing.T) {
	home := shortTempDir(t)
	sock := filepath.Join(home, "Library", "Containers", "com.maxgoedjen.Secretive.SecretAgent", "Data", "socket.ssh")
	listenStream(t, sock)

	info, err := Inspect(sock, Options{Home: home, BundleID: "com.example.Viewer"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Location != LocationOtherAppContainer {
		t.Errorf("location = %q, want other-app-container", info.Location)
	}
	if info.ContainerID != "com.maxgoedjen.Secretive.SecretAgent" {
		t.Errorf("container ID = %q", info.ContainerID)
	}
	if info.Dial.Result != DialSkipped {
		t.Errorf("dial = %+v, want skipped without Options.Dial", info.Dial)
	}
}

// TestInspectGroupPathLength places group sockets whose macOS paths are
// exactly 103 and 104 bytes: the last that fits sun_path and the first that
// does not.
func TestInspectGroupPathLength(t *testing.T) {
	home := shortTempDir(t)
	const group = "ABCDE12345.viewer"
	dir := filepath.Join(home, "Library", "Group Containers", group)
	mkdirAll(t, dir)

	for _, size := range []int{SunPathSize - 1, SunPathSize} {
		prefix := MacOSPath(dir) + "/"
		if len(prefix)+1 > size {
			t.Skipf("skipped: the temporary folder %s is too long for a %d-byte socket path", dir, size)
		}
		name := strings.Repeat("s", size-len(prefix))
		sock := filepath.Join(dir, name)
		listenStream(t, sock)

		info, err := Inspect(sock, Options{Home: home, TeamID: "ABCDE12345", Groups: []string{group}, Dial: true})
		if err != nil {
			t.Fatal(err)
		}
		if info.PathBytes != size {
			t.Errorf("path bytes = %d, want %d", info.PathBytes, size)
		}
		if info.Location != LocationAppGroup || !info.SameTeam {
			t.Errorf("%d bytes: location = %q, same team = %v, want app-group of the own team", size, info.Location, info.SameTeam)
		}
		// The host connects with its own, shorter path.
		if len(sock) < hostSunPathSize && info.Dial.Result != DialConnected {
			t.Errorf("%d bytes: dial = %+v, want connected", size, info.Dial)
		}
	}
}

func TestInspectStaleSocket(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "stale.sock")
	l := listenStream(t, sock)
	l.SetUnlinkOnClose(false)
	l.Close()

	info, err := Inspect(sock, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != "socket" {
		t.Errorf("type = %q, want socket", info.Type)
	}
	if info.Dial.Result != DialRefused || info.Dial.Errno != "ECONNREFUSED" {
		t.Errorf("dial = %+v, want refused with ECONNREFUSED", info.Dial)
	}
	if info.Dial.Error == "" {
		t.Error("dial error text is empty")
	}
}

func TestInspectDatagramServer(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "dgram.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })

	info, err := Inspect(sock, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Dial.Result != DialWrongType || info.Dial.Errno != "EPROTOTYPE" {
		t.Errorf("dial = %+v, want wrong-type with EPROTOTYPE", info.Dial)
	}
	if info.Dial.ServerType != "datagram" {
		t.Errorf("server type = %q, want datagram", info.Dial.ServerType)
	}
}

func TestInspectRegularFile(t *testing.T) {
	dir := shortTempDir(t)
	path := filepath.Join(dir, "plain")
	if err := os.WriteFile(path, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}

	info, err := Inspect(path, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != "file" || info.Mode != "-rw-r-----" {
		t.Errorf("type = %q, mode = %q, want file -rw-r-----", info.Type, info.Mode)
	}
	// Linux returns ECONNREFUSED for a regular file; stat must win.
	if info.Dial.Result != DialNotASocket {
		t.Errorf("dial = %+v, want not-a-socket", info.Dial)
	}
}

func TestInspectMissing(t *testing.T) {
	dir := shortTempDir(t)
	path := filepath.Join(dir, "nothing", "here.sock")

	info, err := Inspect(path, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Exists || info.Type != "missing" {
		t.Errorf("exists = %v, type = %q, want missing", info.Exists, info.Type)
	}
	if info.Mode != "" || info.Owner != "" {
		t.Errorf("mode = %q, owner = %q, want both empty", info.Mode, info.Owner)
	}
	if info.Dial.Result != DialNotFound || info.Dial.Errno != "ENOENT" {
		t.Errorf("dial = %+v, want not-found with ENOENT", info.Dial)
	}
}

func TestInspectBindChecksParent(t *testing.T) {
	dir := shortTempDir(t)

	info, err := Inspect(filepath.Join(dir, "new.sock"), Options{Home: "/nonexistent-home", Operation: OperationBind, Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if !info.Writable {
		t.Error("bind into a folder the test created: writable = false")
	}
	if info.Dial.Result != DialSkipped {
		t.Errorf("dial = %+v, want skipped for bind with nothing at the path", info.Dial)
	}

	info, err = Inspect(filepath.Join(dir, "no-such-folder", "new.sock"), Options{Home: "/nonexistent-home", Operation: OperationBind})
	if err != nil {
		t.Fatal(err)
	}
	if info.Writable {
		t.Error("bind into a missing folder: writable = true")
	}
}

func TestInspectNoSearchPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("skipped: running as root, and access(2) grants root search permission on every folder, so a mode-000 folder cannot block")
	}
	dir := shortTempDir(t)
	locked := filepath.Join(dir, "locked")
	sock := filepath.Join(locked, "s.sock")
	listenStream(t, sock)
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })

	info, err := Inspect(sock, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(locked); info.BlockingDir != want {
		t.Errorf("blocking dir = %q, want %q", info.BlockingDir, want)
	}
	if info.Type != "unknown" || info.StatError == "" {
		t.Errorf("type = %q, stat error = %q, want unknown with the error", info.Type, info.StatError)
	}
	if info.Dial.Result != DialPermissionDenied || info.Dial.Errno != "EACCES" {
		t.Errorf("dial = %+v, want permission-denied with EACCES", info.Dial)
	}
}

func TestInspectSymlinkLoop(t *testing.T) {
	dir := shortTempDir(t)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	symlink(t, b, a)
	symlink(t, a, b)

	info, err := Inspect(a, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.ResolveError == "" {
		t.Error("resolve error is empty for a symlink loop")
	}
	if info.Type != "symlink" {
		t.Errorf("type = %q, want symlink", info.Type)
	}
	if info.Dial.Result != DialFailed || info.Dial.Errno != "ELOOP" {
		t.Errorf("dial = %+v, want failed with ELOOP", info.Dial)
	}
}

func TestInspectRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		path string
		opts Options
		want string
	}{
		{"empty path", "", Options{Home: "/h"}, "empty socket path"},
		{"operation", "/tmp/x", Options{Home: "/h", Operation: "listen"}, `invalid operation "listen"`},
		{"timeout", "/tmp/x", Options{Home: "/h", Timeout: -time.Second}, "invalid timeout"},
		{"relative home", "/tmp/x", Options{Home: "home"}, `invalid home folder "home"`},
		{"user home", "~root/x", Options{Home: "/h"}, "only ~/ is expanded"},
		{"NUL byte", "/tmp/a\x00b", Options{Home: "/h"}, "NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.path, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestInfoJSONFields(t *testing.T) {
	info := Info{Path: "/tmp/x", Dial: Dial{Result: DialSkipped}}
	data, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"path", "resolved_path", "path_bytes", "location", "location_detail", "exists", "type", "mode", "owner", "dial"} {
		if _, ok := fields[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, data)
		}
	}
	for _, key := range []string{"hops", "container_id", "group_team_id", "special_socket", "blocking_dir", "writable"} {
		if _, ok := fields[key]; ok {
			t.Errorf("JSON has empty %q, want it omitted: %s", key, data)
		}
	}
	if string(fields["dial"]) != `{"result":"skipped"}` {
		t.Errorf("dial = %s, want only the result", fields["dial"])
	}
}

func TestModeString(t *testing.T) {
	tests := []struct {
		mode os.FileMode
		want string
	}{
		{os.ModeSocket | 0o755, "srwxr-xr-x"},
		{os.ModeDir | 0o700, "drwx------"},
		{os.ModeSymlink | 0o777, "lrwxrwxrwx"},
		{0o644, "-rw-r--r--"},
		{os.ModeNamedPipe | 0o600, "prw-------"},
		{os.ModeDevice | os.ModeCharDevice | 0o666, "crw-rw-rw-"},
		{os.ModeDevice | 0o660, "brw-rw----"},
		{os.ModeDir | os.ModeSticky | 0o777, "drwxrwxrwt"},
		{os.ModeDir | os.ModeSticky | 0o770, "drwxrwx--T"},
		{os.ModeSetuid | 0o755, "-rwsr-xr-x"},
		{os.ModeSetgid | 0o640, "-rw-r-S---"},
	}
	for _, tt := range tests {
		if got := modeString(tt.mode); got != tt.want {
			t.Errorf("modeString(%v) = %q, want %q", tt.mode, got, tt.want)
		}
	}
}

func TestInspectLinkFolderBlocks(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("skipped: running as root, and access(2) grants root search permission on every folder, so a mode-000 folder cannot block")
	}
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "open", "s.sock")
	listenStream(t, sock)
	locked := filepath.Join(dir, "locked")
	symlink(t, sock, filepath.Join(locked, "link"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })

	// The link cannot even be read, so resolution stops at it, and the
	// folder that holds it is the one that blocks.
	info, err := Inspect(filepath.Join(locked, "link"), Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := MacOSPath(locked); info.BlockingDir != want {
		t.Errorf("blocking dir = %q, want %q", info.BlockingDir, want)
	}
	if info.Dial.Result != DialPermissionDenied {
		t.Errorf("dial = %+v, want permission-denied", info.Dial)
	}
}

func TestInspectOwnerWithoutName(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipped: only root can give a file to another uid")
	}
	const uid = 48213
	if u, err := user.LookupId("48213"); err == nil {
		t.Skipf("skipped: uid 48213 has the user name %q here", u.Username)
	}
	dir := shortTempDir(t)
	path := filepath.Join(dir, "owned")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, uid, uid); err != nil {
		t.Fatal(err)
	}

	info, err := Inspect(path, Options{Home: "/nonexistent-home"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Owner != "48213" {
		t.Errorf("owner = %q, want the uid 48213", info.Owner)
	}
}

func TestInspectSocketNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("skipped: running as root, and access(2) grants root write permission on every socket")
	}
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "ro.sock")
	listenStream(t, sock)
	if err := os.Chmod(sock, 0o555); err != nil {
		t.Fatal(err)
	}

	info, err := Inspect(sock, Options{Home: "/nonexistent-home", Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Writable {
		t.Error("writable = true for a socket of mode 0555")
	}
	if info.Mode != "sr-xr-xr-x" {
		t.Errorf("mode = %q, want sr-xr-xr-x", info.Mode)
	}
	if info.Dial.Result != DialPermissionDenied || info.Dial.Errno != "EACCES" {
		t.Errorf("dial = %+v, want permission-denied with EACCES", info.Dial)
	}
}

func TestInspectSymlinkInContainerEscapes(t *testing.T) {
	home := shortTempDir(t)
	real := filepath.Join(home, ".docker", "run", "docker.sock")
	link := filepath.Join(home, "Library", "Containers", "com.example.Viewer", "Data", "docker.sock")
	listenStream(t, real)
	symlink(t, real, link)

	info, err := Inspect(link, Options{Home: home, BundleID: "com.example.Viewer"})
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox checks the resolved path, so the link in the container
	// does not make the socket reachable.
	if info.Location != LocationHome {
		t.Errorf("location = %q, want home: the link's target decides", info.Location)
	}
	if len(info.Hops) != 1 || info.Hops[0].From != MacOSPath(link) {
		t.Errorf("hops = %v, want one hop from the container link", info.Hops)
	}
}

func TestInspectSymlinkIntoGroup(t *testing.T) {
	home := shortTempDir(t)
	const group = "ABCDE12345.viewer"
	real := filepath.Join(home, "Library", "Group Containers", group, "s.sock")
	link := filepath.Join(home, "s.sock")
	listenStream(t, real)
	symlink(t, real, link)

	info, err := Inspect(link, Options{Home: home, TeamID: "ABCDE12345", Groups: []string{group}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Location != LocationAppGroup {
		t.Errorf("location = %q, want app-group", info.Location)
	}
	if info.ContainerID != group {
		t.Errorf("container ID = %q, want %q", info.ContainerID, group)
	}
}

func TestInspectPathThroughFile(t *testing.T) {
	dir := shortTempDir(t)
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	info, err := Inspect(filepath.Join(file, "x.sock"), Options{Home: dir, Dial: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != "missing" {
		t.Errorf("Type = %q, want missing", info.Type)
	}
	if info.StatError != StatNotADirectory {
		t.Errorf("StatError = %q, want %q", info.StatError, StatNotADirectory)
	}
	if info.Dial.Errno != "ENOTDIR" {
		t.Errorf("Dial.Errno = %q, want ENOTDIR", info.Dial.Errno)
	}
}

func TestSkippedDialJSONHasNoError(t *testing.T) {
	dir := shortTempDir(t)
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		opts   Options
		reason string
	}{
		{name: "not requested", path: filepath.Join(home, "a.sock"), opts: Options{Home: home}, reason: "not requested"},
		{name: "bind on nothing", path: filepath.Join(home, "b.sock"), opts: Options{Home: home, Dial: true, Operation: OperationBind}, reason: "nothing at the path"},
		{name: "outside a modelled home", path: "/private/tmp/sockdoctor-model/c.sock", opts: Options{Home: home, Dial: true, ModelOutsideHome: true}, reason: "outside the modelled home folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Inspect(tt.path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if info.Dial.Result != DialSkipped {
				t.Fatalf("dial result = %q, want skipped", info.Dial.Result)
			}
			if !strings.Contains(info.Dial.SkipReason, tt.reason) {
				t.Errorf("skip reason = %q, want it to contain %q", info.Dial.SkipReason, tt.reason)
			}
			data, err := json.Marshal(info.Dial)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != `{"result":"skipped"}` {
				t.Errorf("dial JSON = %s, want only the result", data)
			}
		})
	}
}
