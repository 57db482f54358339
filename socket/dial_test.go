package socket

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// connectError wraps errno the way net.Dial does on every host.
func connectError(path string, errno syscall.Errno) error {
	return &net.OpError{Op: "dial", Net: "unix", Addr: &net.UnixAddr{Name: path, Net: "unix"}, Err: os.NewSyscallError("connect", errno)}
}

// fakeDarwin models a Darwin host: its errno numbers and its sun_path size.
// The connect function returns the errno given for each network.
func fakeDarwin(results map[string]syscall.Errno) dialer {
	return dialer{
		errnoNames:  darwinErrnoNames,
		sunPathSize: SunPathSize,
		connect: func(network, path string, timeout time.Duration) error {
			errno, ok := results[network]
			if !ok || errno == 0 {
				return nil
			}
			return connectError(path, errno)
		},
	}
}

func TestDialDarwinErrnos(t *testing.T) {
	// Darwin errno values from xnu bsd/sys/errno.h; on Linux the same
	// numbers mean other errors, so this only passes through the table.
	tests := []struct {
		errno      syscall.Errno
		wantName   string
		wantResult DialResult
	}{
		{1, "EPERM", DialNotPermitted},
		{13, "EACCES", DialPermissionDenied},
		{2, "ENOENT", DialNotFound},
		{20, "ENOTDIR", DialNotFound},
		{38, "ENOTSOCK", DialNotASocket},
		{61, "ECONNREFUSED", DialRefused},
		{60, "ETIMEDOUT", DialTimeout},
		{63, "ENAMETOOLONG", DialPathTooLong},
		{62, "ELOOP", DialFailed},
		{22, "EINVAL", DialFailed},
		{9999, "errno 9999", DialFailed},
	}
	for _, tt := range tests {
		t.Run(tt.wantName, func(t *testing.T) {
			d := fakeDarwin(map[string]syscall.Errno{"unix": tt.errno})
			got := d.dial("/nonexistent/sd-fake.sock", time.Second)
			if got.Result != tt.wantResult {
				t.Errorf("result = %q, want %q", got.Result, tt.wantResult)
			}
			if got.Errno != tt.wantName {
				t.Errorf("errno = %q, want %q", got.Errno, tt.wantName)
			}
			if got.Error == "" {
				t.Error("error text is empty")
			}
		})
	}
}

func TestDialEPERMIsNotRefused(t *testing.T) {
	d := fakeDarwin(map[string]syscall.Errno{"unix": 1})
	got := d.dial("/nonexistent/sd-fake.sock", time.Second)
	if got.Result == DialRefused || got.Result == DialNotFound {
		t.Fatalf("EPERM classified as %q; it means the sandbox denied the connect", got.Result)
	}
}

func TestDialDarwinWrongType(t *testing.T) {
	d := fakeDarwin(map[string]syscall.Errno{"unix": 41, "unixgram": 0})
	got := d.dial("/nonexistent/sd-fake.sock", time.Second)
	if got.Result != DialWrongType || got.Errno != "EPROTOTYPE" {
		t.Errorf("dial = %+v, want wrong-type with EPROTOTYPE", got)
	}
	if got.ServerType != "datagram" {
		t.Errorf("server type = %q, want datagram", got.ServerType)
	}

	d = fakeDarwin(map[string]syscall.Errno{"unix": 41, "unixgram": 41, "unixpacket": 43})
	if got := d.dial("/nonexistent/sd-fake.sock", time.Second); got.ServerType != "" {
		t.Errorf("server type = %q, want empty when no other type connects", got.ServerType)
	}
}

func TestDialPathTooLongByLength(t *testing.T) {
	d := fakeDarwin(map[string]syscall.Errno{"unix": 22})

	long := "/" + strings.Repeat("x", SunPathSize-1)
	if got := d.dial(long, time.Second); got.Result != DialPathTooLong || got.Errno != "EINVAL" {
		t.Errorf("%d-byte path: dial = %+v, want path-too-long with EINVAL", len(long), got)
	}

	// EINVAL on a path that fits is something else.
	short := "/" + strings.Repeat("x", SunPathSize-2)
	if got := d.dial(short, time.Second); got.Result != DialFailed {
		t.Errorf("%d-byte path: dial = %+v, want failed", len(short), got)
	}
}

func TestDialPathTooLongOnHost(t *testing.T) {
	dir := shortTempDir(t)
	long := dir + "/" + strings.Repeat("x", hostSunPathSize-len(dir)-1)
	if len(long) != hostSunPathSize {
		t.Fatalf("built a %d-byte path, want %d", len(long), hostSunPathSize)
	}

	got := DialPath(long, time.Second)
	if got.Result != DialPathTooLong || got.Errno != "EINVAL" {
		t.Errorf("dial = %+v, want path-too-long with EINVAL from Go's syscall package", got)
	}
}

func TestDialBusyWhenBacklogFull(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("skipped: a full listen backlog fails at once with EAGAIN only on Linux")
	}
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "full.sock")
	listenWithBacklog(t, sock, 0)

	// Fill the backlog; nothing accepts.
	var result Dial
	for range 8 {
		result = DialPath(sock, 200*time.Millisecond)
		if result.Result != DialConnected {
			break
		}
	}
	if result.Result != DialBusy || result.Errno != "EAGAIN" {
		t.Errorf("dial = %+v, want busy with EAGAIN once the backlog is full", result)
	}
}

// listenWithBacklog listens on path with the given backlog, which net.Listen
// does not expose.
func listenWithBacklog(t *testing.T, path string, backlog int) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		t.Fatal(err)
	}
}

func TestDialTimeoutError(t *testing.T) {
	d := dialer{
		errnoNames:  linuxErrnoNames,
		sunPathSize: hostSunPathSize,
		connect: func(network, path string, timeout time.Duration) error {
			return &net.OpError{Op: "dial", Net: network, Err: os.ErrDeadlineExceeded}
		},
	}
	if got := d.dial("/nonexistent/sd-fake.sock", time.Second); got.Result != DialTimeout {
		t.Errorf("dial = %+v, want timeout", got)
	}
}

func TestDialResultForEveryTableName(t *testing.T) {
	for _, table := range []map[uintptr]string{darwinErrnoNames, linuxErrnoNames} {
		for _, name := range table {
			if dialResultForErrno(name) == "" {
				t.Errorf("%s has no result", name)
			}
		}
	}
	if len(darwinErrnoNames) != len(linuxErrnoNames) {
		t.Errorf("the Darwin table has %d names and the Linux table %d; both hosts should name the same errors",
			len(darwinErrnoNames), len(linuxErrnoNames))
	}
}

func TestHostErrnoTable(t *testing.T) {
	if len(hostErrnoNames) == 0 {
		t.Skip("skipped: this host has no errno table")
	}
	host := map[string]syscall.Errno{
		"EPERM": syscall.EPERM, "ENOENT": syscall.ENOENT, "EACCES": syscall.EACCES,
		"ENOTDIR": syscall.ENOTDIR, "EINVAL": syscall.EINVAL, "EAGAIN": syscall.EAGAIN,
		"ENOTSOCK": syscall.ENOTSOCK, "EPROTOTYPE": syscall.EPROTOTYPE, "ETIMEDOUT": syscall.ETIMEDOUT,
		"ECONNREFUSED": syscall.ECONNREFUSED, "ELOOP": syscall.ELOOP, "ENAMETOOLONG": syscall.ENAMETOOLONG,
	}
	for name, errno := range host {
		if got := hostErrnoNames[uintptr(errno)]; got != name {
			t.Errorf("host table names %d %q, want %q", uintptr(errno), got, name)
		}
	}
}

// TestDarwinErrnoTableMatchesGo checks the Darwin table against Go's own
// generated Darwin errno list, which is in GOROOT on every host.
func TestDarwinErrnoTableMatchesGo(t *testing.T) {
	matches, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "syscall", "zerrors_darwin_*.go"))
	if len(matches) == 0 {
		t.Skip("skipped: GOROOT has no syscall/zerrors_darwin_*.go source")
	}
	source, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	pattern := regexp.MustCompile(`(?m)^\s+(E[A-Z0-9]+)\s+= Errno\(0x([0-9a-f]+)\)`)
	goValues := map[string]uintptr{}
	for _, m := range pattern.FindAllStringSubmatch(string(source), -1) {
		v, err := strconv.ParseUint(m[2], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		goValues[m[1]] = uintptr(v)
	}

	for value, name := range darwinErrnoNames {
		goValue, ok := goValues[name]
		if !ok {
			t.Errorf("%s is not in %s", name, matches[0])
			continue
		}
		if goValue != value {
			t.Errorf("%s is %d in the table and %d in %s", name, value, goValue, matches[0])
		}
	}
}

func TestDialDeclinesAbstractName(t *testing.T) {
	// "@x" must be the file ./@x, never a Linux abstract socket.
	var dialed string
	d := dialer{errnoNames: linuxErrnoNames, sunPathSize: hostSunPathSize, connect: func(network, path string, timeout time.Duration) error {
		dialed = path
		return errors.New("fake")
	}}
	d.dial("@sd-abstract", time.Second)
	if dialed != "./@sd-abstract" {
		t.Errorf("dialed %q, want ./@sd-abstract", dialed)
	}
}
