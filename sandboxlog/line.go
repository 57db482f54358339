package sandboxlog

import (
	"bytes"
	"strings"
)

// ParseLine parses one line in any of the single-line formats and returns
// the event it holds. ok is false when the line holds no denial and no
// library errno for a socket. ParseLine does not read violation reports or
// JSON records, which may span lines; the Scanner does.
func ParseLine(line string) (ev Event, ok bool) {
	ev, kind := parseLine([]byte(line))
	return ev, kind == lineEvent
}

// lineKind is the kind of content parseLine found on a line.
type lineKind int

const (
	lineUnknown lineKind = iota // no known format
	lineOther                   // a known log framing around another message
	lineEvent                   // a denial or library errno
)

// parseLine parses one line without its line ending. It allocates only
// when the line holds an event.
func parseLine(line []byte) (Event, lineKind) {
	p := splitPrefix(line)

	ev, ok := parseMessage(p.message)
	if !ok {
		if p.format != "" {
			return Event{}, lineOther
		}
		return Event{}, lineUnknown
	}

	switch {
	case p.format != "":
		ev.Format = p.format
	case ev.Format == "":
		ev.Format = FormatKernel
	}
	if len(p.time) > 0 {
		ev.Time = string(p.time)
	}
	// A library message names no process: the log framing does. A kernel
	// line names the denied process itself, and the framing names the kernel
	// or sandboxd.
	if ev.Errno != 0 && ev.Process == "" && len(p.process) > 0 {
		ev.Process = string(p.process)
		ev.PID = p.pid
	}
	ev.Raw = string(line)
	return ev, lineEvent
}

// parseMessage parses a message without log framing: a kernel denial, with
// or without "Sandbox: ", or a library message. Text before "Sandbox: ",
// such as a tag of an unknown framing, is not part of the process name. The
// returned event has no Raw, Time or Line.
func parseMessage(msg []byte) (Event, bool) {
	for _, marker := range [][]byte{[]byte("Sandbox: "), []byte("SandboxViolation: ")} {
		if i := bytes.Index(msg, marker); i >= 0 {
			if ev, ok := parseDenial(msg[i+len(marker):]); ok {
				return ev, true
			}
		}
	}
	if ev, ok := parseDenial(msg); ok {
		return ev, true
	}
	return parseLibraryMessage(msg)
}

var denyMarker = []byte(") deny")

// parseDenial parses "proc(pid) deny(n) operation target" and the older
// form without "(n)". Process names may contain spaces and parentheses, so
// the name ends at the first "(digits) deny" rather than the first "(".
func parseDenial(b []byte) (Event, bool) {
	var ev Event
	for from := 0; ; {
		i := bytes.Index(b[from:], denyMarker)
		if i < 0 {
			return ev, false
		}
		i += from
		from = i + 1

		digits := i
		for digits > 0 && isDigit(b[digits-1]) {
			digits--
		}
		if digits == i || digits == 0 || b[digits-1] != '(' {
			continue
		}
		rest := b[i+len(denyMarker):]
		legacy := true
		if len(rest) > 0 && rest[0] == '(' {
			end := bytes.IndexByte(rest, ')')
			if end < 2 || !allDigits(rest[1:end]) {
				continue
			}
			rest = rest[end+1:]
			legacy = false
		}
		if len(rest) == 0 || rest[0] != ' ' {
			continue
		}
		op, target := nextField(rest)
		if len(op) == 0 {
			continue
		}

		ev.Process = string(bytes.TrimSpace(b[:digits-1]))
		ev.PID = atoi(b[digits:i])
		ev.Operation = string(op)
		ev.Target = string(bytes.TrimRight(target, " \t\r"))
		if legacy {
			ev.Format = FormatKernelLegacy
		}
		return ev, true
	}
}

// libraryParsers lists the parsers of client messages with the operation
// each message is about.
var libraryParsers = []struct {
	parse     func([]byte) (path []byte, errno int, ok bool)
	operation string
}{
	{parseDNSSDMessage, OperationNetworkOutbound},
	{parseMySQLMessage, OperationNetworkOutbound},
	{parseGoDialMessage, OperationNetworkOutbound},
	{parseSSHBindMessage, OperationNetworkBind},
	{parseSSHPathTooLongMessage, OperationNetworkBind},
	{parsePathTooLongMessage, OperationNetworkOutbound},
}

// parseLibraryMessage parses the messages of client libraries that report a
// failed connect(2) or bind(2) on a Unix socket with its errno.
func parseLibraryMessage(b []byte) (Event, bool) {
	for _, p := range libraryParsers {
		// errno 0 is no error, and Event.Errno 0 marks a sandbox line.
		if path, errno, ok := p.parse(b); ok && errno > 0 {
			return Event{
				Operation: p.operation,
				Target:    string(path),
				Errno:     errno,
				Format:    FormatLibrary,
			}, true
		}
	}
	return Event{}, false
}

// parseDNSSDMessage parses the dnssd client's report, as in
// "dnssd_clientstub ConnectToServer: connect() failed
// path:/var/run/mDNSResponder Socket:22 Err:-1 Errno:1 Operation not
// permitted".
func parseDNSSDMessage(b []byte) ([]byte, int, bool) {
	_, rest, ok := bytes.Cut(b, []byte("connect() failed path:"))
	if !ok {
		return nil, 0, false
	}
	path := rest
	if end := bytes.Index(rest, []byte(" Socket:")); end >= 0 {
		path = rest[:end]
	} else if end := bytes.IndexByte(rest, ' '); end >= 0 {
		path = rest[:end]
	}
	_, errnoText, ok := bytes.Cut(rest, []byte("Errno:"))
	if !ok || len(path) == 0 {
		return nil, 0, false
	}
	errno, _ := nextField(errnoText)
	if !allDigits(errno) {
		return nil, 0, false
	}
	return path, atoi(errno), true
}

// parseMySQLMessage parses the MySQL client's "Can't connect to local MySQL
// server through socket '/tmp/mysql.sock' (1)", where the number is the
// errno of connect(2).
func parseMySQLMessage(b []byte) ([]byte, int, bool) {
	_, rest, ok := bytes.Cut(b, []byte("through socket '"))
	if !ok {
		return nil, 0, false
	}
	end := bytes.Index(rest, []byte("' ("))
	if end <= 0 {
		return nil, 0, false
	}
	path := rest[:end]
	errnoText := rest[end+len("' ("):]
	close := bytes.IndexByte(errnoText, ')')
	if close <= 0 || !allDigits(errnoText[:close]) {
		return nil, 0, false
	}
	return path, atoi(errnoText[:close]), true
}

// goDialErrors maps the texts of Go's syscall.Errno values on Darwin to
// their numbers, for "dial unix PATH: connect: TEXT". C's strerror(3) gives
// the same texts capitalised, so the match ignores case.
var goDialErrors = []struct {
	text  string
	errno int
}{
	{"operation not permitted", EPERM},
	{"no such file or directory", ENOENT},
	{"permission denied", EACCES},
	{"socket operation on non-socket", ENOTSOCK},
	{"protocol wrong type for socket", EPROTOTYPE},
	{"connection refused", ECONNREFUSED},
	{"address already in use", EADDRINUSE},
}

// parseGoDialMessage parses the error of Go's net.Dial("unix", path), as
// printed by the Docker CLI and other Go clients: "dial unix
// /var/run/docker.sock: connect: operation not permitted".
func parseGoDialMessage(b []byte) ([]byte, int, bool) {
	_, rest, ok := bytes.Cut(b, []byte("dial unix "))
	if !ok {
		return nil, 0, false
	}
	end := bytes.Index(rest, []byte(": connect: "))
	if end <= 0 {
		return nil, 0, false
	}
	path := rest[:end]
	text := rest[end+len(": connect: "):]
	if errno, ok := errnoFromText(text); ok {
		return path, errno, true
	}
	return nil, 0, false
}

// errnoFromText returns the errno whose text starts text, ignoring case.
func errnoFromText(text []byte) (int, bool) {
	for _, e := range goDialErrors {
		if len(text) >= len(e.text) && strings.EqualFold(string(text[:len(e.text)]), e.text) {
			return e.errno, true
		}
	}
	return 0, false
}
