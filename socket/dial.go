package socket

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// connectFunc connects to a Unix socket of the given network ("unix",
// "unixgram" or "unixpacket"), closes the connection at once and returns the
// connect error. Tests replace it to feed errors of another host.
type connectFunc func(network, path string, timeout time.Duration) error

// dialer holds what a test connect depends on, so tests can model a Darwin
// host on Linux.
type dialer struct {
	connect     connectFunc
	errnoNames  map[uintptr]string
	sunPathSize int
}

var hostDialer = dialer{connect: connectAndClose, errnoNames: hostErrnoNames, sunPathSize: hostSunPathSize}

// DialPath connects to the Unix stream socket at path, sends nothing, closes
// the connection and classifies the outcome. A path that exists but is not a
// socket is reported from stat(2) without a connect, because Linux returns
// ECONNREFUSED there instead of ENOTSOCK. After a wrong-type result it
// connects again as datagram and seqpacket to learn the server's type.
func DialPath(path string, timeout time.Duration) Dial {
	return hostDialer.dial(path, timeout)
}

func (d dialer) dial(path string, timeout time.Duration) Dial {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// On Linux a leading "@" names an abstract socket; "./@x" is the file.
	if strings.HasPrefix(path, "@") {
		path = "./" + path
	}

	if fi, err := os.Stat(path); err == nil && fi.Mode()&os.ModeSocket == 0 {
		return Dial{
			Result: DialNotASocket,
			Error:  fmt.Sprintf("%s is a %s, not a socket (stat)", path, describeType(fi.Mode())),
		}
	}

	err := d.connect("unix", path, timeout)
	if err == nil {
		return Dial{Result: DialConnected}
	}
	result := d.classify(err, path)
	if result.Result == DialWrongType {
		result.ServerType = d.serverType(path, timeout)
	}
	return result
}

// classify turns a connect error into a Dial.
func (d dialer) classify(err error, path string) Dial {
	result := Dial{Result: DialFailed, Error: err.Error()}

	var errno syscall.Errno
	if errors.As(err, &errno) {
		name, ok := d.errnoNames[uintptr(errno)]
		if !ok {
			name = fmt.Sprintf("errno %d", uintptr(errno))
		}
		result.Errno = name
		result.Result = dialResultForErrno(name)
	}

	// Go's syscall package returns EINVAL for a path that does not fit
	// sun_path without calling connect(2). EINVAL alone can mean other
	// things, so the length decides.
	if result.Errno == "EINVAL" && len(path) >= d.sunPathSize {
		result.Result = DialPathTooLong
		result.Error = fmt.Sprintf("%s: path too long: %d bytes, but sun_path allows at most %d; shorten the path", err, len(path), d.sunPathSize-1)
	}

	// syscall.Errno counts EAGAIN as a timeout too, but it came at once.
	if isTimeout(err) && result.Result != DialBusy {
		result.Result = DialTimeout
	}
	return result
}

// serverType returns the socket type the server at path accepts, after a
// stream connect failed with EPROTOTYPE, or "" if neither other type works.
func (d dialer) serverType(path string, timeout time.Duration) string {
	if d.connect("unixgram", path, timeout) == nil {
		return "datagram"
	}
	if d.connect("unixpacket", path, timeout) == nil {
		return "seqpacket"
	}
	return ""
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// connectAndClose is the real connectFunc.
func connectAndClose(network, path string, timeout time.Duration) error {
	conn, err := (&net.Dialer{Timeout: timeout}).Dial(network, path)
	if err != nil {
		return err
	}
	return conn.Close()
}

func describeType(mode os.FileMode) string {
	switch t := fileType(mode); t {
	case "file":
		return "regular file"
	case "other":
		return "special file (" + modeString(mode)[:1] + ")"
	default:
		return t
	}
}
