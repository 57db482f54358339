package sandboxlog

import "bytes"

// prefix is the content of the log framing around a message: the format,
// the timestamp and the logging process. All slices point into the input
// line.
type prefix struct {
	format  Format // empty when the line has no known framing
	time    []byte
	process []byte // the process that logged the message, when framed
	pid     int    // its pid, or 0
	message []byte // the rest of the line after the framing
}

// splitPrefix separates the log framing from the message. It recognises
//
//	compact: 2026-10-01 11:26:44.249 E  kernel[0:d31a6f5] (Sandbox) MESSAGE
//	default: 2026-10-01 11:26:44.249142-0700 0x1a2b  Error  0x0  0  0  kernel: (Sandbox) MESSAGE
//	syslog:  Oct  1 11:26:44 host kernel[0]: MESSAGE, sandboxd[1] ([2]): MESSAGE, kernel: MESSAGE
//
// and returns the whole line as the message when none of them matches.
func splitPrefix(line []byte) prefix {
	p := prefix{message: line}
	rest := line

	if n := isoTimestampLen(rest); n > 0 {
		p.time = rest[:n]
		rest = trimSpaceLeft(rest[n:])
		if q, ok := splitDefaultStyle(rest); ok {
			q.time = p.time
			return q
		}
		if q, ok := splitCompactStyle(rest); ok {
			q.time = p.time
			return q
		}
		p.message = rest
		return p
	}

	if n := syslogDateLen(rest); n > 0 {
		p.time = rest[:n]
		rest = trimSpaceLeft(rest[n:])
		// The host name follows the date.
		if sp := bytes.IndexByte(rest, ' '); sp > 0 {
			rest = rest[sp+1:]
		}
		p.format = FormatSyslog
		p.message = rest
	}
	if q, ok := splitSyslogTag(rest); ok {
		q.time = p.time
		return q
	}
	p.message = stripSender(p.message)
	return p
}

// isoTimestampLen returns the length of a leading "2026-10-01 11:26:44"
// timestamp with optional fraction and UTC offset, or 0.
func isoTimestampLen(b []byte) int {
	const layout = "dddd-dd-dd dd:dd:dd"
	if len(b) < len(layout) {
		return 0
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' {
			if !isDigit(b[i]) {
				return 0
			}
		} else if b[i] != layout[i] {
			return 0
		}
	}
	n := len(layout)
	if n < len(b) && b[n] == '.' {
		n++
		for n < len(b) && isDigit(b[n]) {
			n++
		}
	}
	if n+5 <= len(b) && (b[n] == '+' || b[n] == '-') && allDigits(b[n+1:n+5]) {
		n += 5
	}
	if n < len(b) && b[n] != ' ' && b[n] != '\t' {
		return 0
	}
	return n
}

// syslogDateLen returns the length of a leading "Oct  1 11:26:44" date of
// system.log, or 0.
func syslogDateLen(b []byte) int {
	const layout = "Mmm dd dd:dd:dd"
	if len(b) < len(layout)+1 {
		return 0
	}
	if !isUpper(b[0]) || !isLower(b[1]) || !isLower(b[2]) || b[3] != ' ' {
		return 0
	}
	if b[4] != ' ' && !isDigit(b[4]) || !isDigit(b[5]) || b[6] != ' ' {
		return 0
	}
	if !isDigit(b[7]) || !isDigit(b[8]) || b[9] != ':' || !isDigit(b[10]) || !isDigit(b[11]) ||
		b[12] != ':' || !isDigit(b[13]) || !isDigit(b[14]) || b[15] != ' ' {
		return 0
	}
	return len(layout)
}

// splitDefaultStyle parses the columns of the default `log show` style after
// the timestamp: thread, type, activity, pid, TTL, then "process: ".
func splitDefaultStyle(b []byte) (prefix, bool) {
	var p prefix
	thread, rest := nextField(b)
	if !isHexNumber(thread) {
		return p, false
	}
	kind, rest := nextField(rest)
	if len(kind) == 0 || !isUpper(kind[0]) {
		return p, false
	}
	activity, rest := nextField(rest)
	if !isHexNumber(activity) {
		return p, false
	}
	pid, rest := nextField(rest)
	if !allDigits(pid) {
		return p, false
	}
	ttl, rest := nextField(rest)
	if !allDigits(ttl) {
		return p, false
	}

	// Process names may contain spaces; the name ends at the first ": ".
	colon := bytes.Index(rest, []byte(": "))
	if colon <= 0 {
		return p, false
	}
	p.format = FormatLogDefault
	p.process = rest[:colon]
	p.pid = atoi(pid)
	p.message = stripSender(rest[colon+2:])
	return p, true
}

// splitCompactStyle parses the columns of `log show --style compact` after
// the timestamp: a type code of one or two letters, then "process[pid:tid]".
func splitCompactStyle(b []byte) (prefix, bool) {
	var p prefix
	kind, rest := nextField(b)
	if len(kind) == 0 || len(kind) > 2 || !isUpper(kind[0]) {
		return p, false
	}
	// Process names may contain spaces and brackets, so look for the first
	// "[pid:tid]" followed by a space or the end of the line.
	for from := 0; from < len(rest); {
		open := bytes.IndexByte(rest[from:], '[')
		if open < 0 {
			return p, false
		}
		open += from
		end, pid, ok := pidTIDLen(rest[open:])
		if ok && open > 0 {
			p.format = FormatLogCompact
			p.process = rest[:open]
			p.pid = pid
			p.message = stripSender(trimSpaceLeft(rest[open+end:]))
			return p, true
		}
		from = open + 1
	}
	return p, false
}

// pidTIDLen parses "[pid:tid]" at the start of b and returns its length.
func pidTIDLen(b []byte) (n, pid int, ok bool) {
	i := 1
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i == 1 || i >= len(b) || b[i] != ':' {
		return 0, 0, false
	}
	pid = atoi(b[1:i])
	i++
	start := i
	for i < len(b) && isHexDigit(b[i]) {
		i++
	}
	if i == start || i >= len(b) || b[i] != ']' {
		return 0, 0, false
	}
	i++
	if i < len(b) && b[i] != ' ' {
		return 0, 0, false
	}
	return i, pid, true
}

// splitSyslogTag parses a system.log tag: "name[pid]: ", "name[pid]
// ([pid]): " or "kernel: ". Only these forms count, because a bare "name: "
// would swallow the "Sandbox: " of a kernel message.
func splitSyslogTag(b []byte) (prefix, bool) {
	var p prefix
	if rest, ok := bytes.CutPrefix(b, []byte("kernel: ")); ok {
		p.format = FormatSyslog
		p.process = b[:len("kernel")]
		p.message = stripSender(rest)
		return p, true
	}

	open := bytes.IndexByte(b, '[')
	if open <= 0 || bytes.IndexByte(b[:open], ' ') >= 0 {
		return p, false
	}
	i := open + 1
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i == open+1 || i >= len(b) || b[i] != ']' {
		return p, false
	}
	pid := atoi(b[open+1 : i])
	i++
	// sandboxd adds the pid of the denied process: " ([456])".
	if rest, ok := bytes.CutPrefix(b[i:], []byte(" ([")); ok {
		j := 0
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j > 0 && bytes.HasPrefix(rest[j:], []byte("])")) {
			i += len(" ([") + j + len("])")
		}
	}
	if !bytes.HasPrefix(b[i:], []byte(": ")) {
		return p, false
	}
	p.format = FormatSyslog
	p.process = b[:open]
	p.pid = pid
	p.message = stripSender(b[i+2:])
	return p, true
}

// stripSender removes a leading "(Sandbox) " sender image and a
// "[subsystem:category] " tag that `log` prints before the message.
func stripSender(b []byte) []byte {
	if len(b) > 0 && b[0] == '(' {
		if end := bytes.Index(b, []byte(") ")); end > 1 && bytes.IndexByte(b[1:end], ' ') < 0 {
			b = b[end+2:]
		}
	}
	if len(b) > 0 && b[0] == '[' {
		if end := bytes.Index(b, []byte("] ")); end > 1 && bytes.IndexByte(b[1:end], ' ') < 0 &&
			bytes.IndexByte(b[1:end], ':') > 0 {
			b = b[end+2:]
		}
	}
	return b
}

// nextField returns the first space-separated field of b and the rest with
// its leading spaces removed.
func nextField(b []byte) (field, rest []byte) {
	b = trimSpaceLeft(b)
	i := 0
	for i < len(b) && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	return b[:i], trimSpaceLeft(b[i:])
}

func trimSpaceLeft(b []byte) []byte {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return b[i:]
}

func isHexNumber(b []byte) bool {
	if len(b) < 3 || b[0] != '0' || b[1] != 'x' {
		return false
	}
	for _, c := range b[2:] {
		if !isHexDigit(c) {
			return false
		}
	}
	return true
}

func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// atoi converts a run of ASCII digits; it saturates instead of overflowing,
// because pids in hostile input may be arbitrarily long.
func atoi(b []byte) int {
	const limit = 1 << 31
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			break
		}
		n = n*10 + int(c-'0')
		if n >= limit {
			return limit
		}
	}
	return n
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isUpper(c byte) bool    { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool    { return 'a' <= c && c <= 'z' }
func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
