package sandboxlog

import "bytes"

// MaxBacktraceFrames is the number of backtrace frames kept from a violation
// report; the first frames show the call that was denied.
const MaxBacktraceFrames = 5

// A Console sandbox violation report reads, after an optional kernel line:
//
//	Violation:       deny(1) network-outbound /private/var/run/mDNSResponder
//	Process:         SampleApp [12447]
//	Path:            /Users/user/.../SampleApp.app/Contents/MacOS/SampleApp
//	Identifier:      com.example.SampleApp
//	Responsible:     /Users/user/.../SampleApp
//	(more "Key: value" fields)
//
//	Thread 0 (id: 551548):
//	0   libsystem_kernel.dylib   0x000000018b5f1234 __connect_nocancel + 8
//	...
//
//	Binary Images:
//	0x1008f4000 - 0x1008fbfff  SampleApp arm64 ...

// reportState follows the parts of a violation report after its Violation
// line.
type reportState struct {
	active      bool // inside a report
	inBacktrace bool // after the first "Thread" line
	threads     int  // "Thread" lines seen; frames are kept from the first
}

var violationPrefix = []byte("Violation:")

// parseViolationLine parses "Violation: deny(1) operation target" into an
// event with the operation and target.
func parseViolationLine(line []byte) (Event, bool) {
	rest, ok := bytes.CutPrefix(trimSpaceLeft(line), violationPrefix)
	if !ok {
		return Event{}, false
	}
	deny, rest := nextField(rest)
	if !bytes.HasPrefix(deny, []byte("deny")) {
		return Event{}, false
	}
	op, target := nextField(rest)
	if len(op) == 0 {
		return Event{}, false
	}
	return Event{
		Operation: string(op),
		Target:    string(bytes.TrimRight(target, " \t\r")),
		Format:    FormatViolationReport,
	}, true
}

// applyReportLine applies one line after the Violation line to ev, which may
// be nil when the event was already returned. It returns false when the
// line is not part of a report, which ends the report.
func (st *reportState) applyReportLine(ev *Event, line []byte) bool {
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 {
		return true
	}
	// A new denial line ends the report even though it looks like a field.
	if bytes.Contains(trimmed, denyMarker) {
		return false
	}

	if bytes.HasPrefix(trimmed, []byte("Thread ")) && trimmed[len(trimmed)-1] == ':' {
		st.inBacktrace = true
		st.threads++
		return true
	}
	if st.inBacktrace {
		if image, symbol, ok := parseFrame(trimmed); ok {
			if ev != nil && st.threads == 1 && len(ev.Backtrace) < MaxBacktraceFrames {
				ev.Backtrace = append(ev.Backtrace, string(image)+" "+string(symbol))
			}
			return true
		}
	}
	if bytes.HasPrefix(trimmed, []byte("0x")) && bytes.Contains(trimmed, []byte(" - ")) {
		return true // a line of the Binary Images list
	}

	key, value, ok := splitReportField(trimmed)
	if !ok {
		return false
	}
	if ev == nil {
		return true
	}
	switch string(key) {
	case "Process":
		name, pid := splitNameAndPID(value)
		ev.Process = string(name)
		if pid > 0 {
			ev.PID = pid
		}
	case "Path":
		ev.ExecutablePath = string(value)
	case "Identifier":
		ev.Identifier = string(value)
	case "Responsible":
		ev.Responsible = string(value)
	case "Date/Time":
		// The log line's own time, when there is one, is kept.
		if ev.Time == "" {
			ev.Time = string(value)
		}
	}
	return true
}

// splitReportField splits "Key:   value", where the key is a few words that
// start with a capital letter, such as "Parent Process" or "Date/Time".
func splitReportField(b []byte) (key, value []byte, ok bool) {
	colon := bytes.IndexByte(b, ':')
	if colon <= 0 || !isUpper(b[0]) || colon > 32 {
		return nil, nil, false
	}
	key = b[:colon]
	if bytes.Count(key, []byte(" ")) > 3 {
		return nil, nil, false
	}
	return key, bytes.TrimSpace(b[colon+1:]), true
}

// splitNameAndPID splits "SampleApp [12447]" into the name and the pid.
func splitNameAndPID(b []byte) ([]byte, int) {
	open := bytes.LastIndexByte(b, '[')
	if open < 0 || b[len(b)-1] != ']' || !allDigits(b[open+1:len(b)-1]) {
		return b, 0
	}
	return bytes.TrimSpace(b[:open]), atoi(b[open+1 : len(b)-1])
}

// parseFrame parses a backtrace frame "0   libsystem_kernel.dylib
// 0x000000018b5f1234 __connect_nocancel + 8" into the image and the symbol.
func parseFrame(b []byte) (image, symbol []byte, ok bool) {
	index, rest := nextField(b)
	if !allDigits(index) {
		return nil, nil, false
	}
	image, rest = nextField(rest)
	address, rest := nextField(rest)
	if len(image) == 0 || !isHexNumber(address) {
		return nil, nil, false
	}
	return image, bytes.TrimSpace(rest), true
}
