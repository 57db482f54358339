package sandboxlog

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
)

// MaxRecordBytes bounds one JSON record; a longer record is skipped and
// counted in Stats.Oversized, so memory stays bounded on any input.
const MaxRecordBytes = 1 << 20

// MaxRecordLines bounds the lines of one JSON record. A record of `log show
// --style json` takes a few dozen lines, more with a long backtrace. A
// record still open after this many lines is skipped and counted in
// Stats.Oversized, and the lines after it are parsed afresh.
const MaxRecordLines = 4096

// logRecord holds the fields of a `log show --style json` or `--style
// ndjson` record that sockdoctor reads. processImagePath and processID name
// the process that logged the message: the kernel, for sandbox denials.
type logRecord struct {
	EventMessage     string `json:"eventMessage"`
	ProcessImagePath string `json:"processImagePath"`
	ProcessID        int    `json:"processID"`
	Timestamp        string `json:"timestamp"`
}

// jsonAssembler collects the bytes of JSON records that may span lines: the
// pretty-printed array of `log show --style json`, or one object a line for
// ndjson. It tracks brace depth outside strings, which is enough to find
// where each top-level object ends without decoding it.
type jsonAssembler struct {
	active   bool // inside a JSON document
	array    bool // inside a top-level array
	depth    int
	inString bool
	escaped  bool
	overflow bool // the current record exceeded MaxRecordBytes

	// containers is the stack of open brackets ('{' or '[') of the current
	// record, and last is its last byte outside strings and whitespace.
	// Together they tell whether a line starting with '{' can continue the
	// record: only after ':', '[' or a ',' inside an array.
	containers []byte
	last       byte

	record    []byte
	startLine int
	lines     int  // lines of the current record so far
	oneLine   bool // the record has content on its first line, as ndjson does
	completed bool // a record ended on the line last fed
}

// feed consumes one line. complete is called with each record that ends on
// this line. It returns false when the line holds bytes that cannot be part
// of the document, which ends it.
func (a *jsonAssembler) feed(line []byte, lineNo int, complete func(record []byte, startLine int, overflow bool)) bool {
	a.completed = false
	if a.depth > 0 {
		a.lines++
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if a.depth == 0 {
			switch {
			case c == ' ' || c == '\t' || c == '\r':
				continue
			case c == '[' && !a.array:
				a.array = true
				continue
			case c == ',' && a.array:
				continue
			case c == ']' && a.array:
				a.array = false
				continue
			case c != '{':
				a.reset()
				return false
			}
			a.record = a.record[:0]
			a.containers = a.containers[:0]
			a.startLine = lineNo
			a.overflow = false
			a.lines = 1
			a.oneLine = len(bytes.TrimSpace(line[i+1:])) > 0
		}

		a.appendByte(c)
		switch {
		case a.inString && a.escaped:
			a.escaped = false
		case a.inString && c == '\\':
			a.escaped = true
		case c == '"':
			a.inString = !a.inString
			a.last = c
		case a.inString:
		case c == ' ' || c == '\t' || c == '\r':
		case c != '{' && c != '[' && c != '}' && c != ']':
			a.last = c
		case c == '{' || c == '[':
			a.depth++
			a.pushContainer(c)
			a.last = c
		case c == '}' || c == ']':
			a.depth--
			a.popContainer()
			a.last = c
			if a.depth == 0 {
				complete(a.record, a.startLine, a.overflow)
				a.record = a.record[:0]
				a.completed = true
			}
		}
	}
	if a.depth > 0 {
		a.appendByte('\n')
	}
	a.active = a.depth > 0 || a.array
	return true
}

// pushContainer records an opened bracket. The stack stops growing at
// MaxRecordBytes, where the record is dropped as oversized anyway.
func (a *jsonAssembler) pushContainer(c byte) {
	if len(a.containers) < MaxRecordBytes {
		a.containers = append(a.containers, c)
	}
}

func (a *jsonAssembler) popContainer() {
	if n := len(a.containers); n > 0 {
		a.containers = a.containers[:n-1]
	}
}

// acceptsObject reports whether a '{' may come next in the open record: as
// a value after a key, as the first element of an array, or after a comma
// that separates array elements. After a comma between object members a key
// must follow, so a '{' there starts a new record.
func (a *jsonAssembler) acceptsObject() bool {
	switch a.last {
	case ':', '[':
		return true
	case ',':
		n := len(a.containers)
		return n > 0 && a.containers[n-1] == '['
	}
	return false
}

func (a *jsonAssembler) appendByte(c byte) {
	if len(a.record) >= MaxRecordBytes {
		a.overflow = true
		return
	}
	a.record = append(a.record, c)
}

// inRecord reports whether a record is open at the end of the last line.
func (a *jsonAssembler) inRecord() bool { return a.depth > 0 }

// brokenRecord reports whether the open record cannot continue: a JSON
// string never contains a raw line break, so a record whose last line ends
// inside a string was cut off.
func (a *jsonAssembler) brokenRecord() bool { return a.depth > 0 && a.inString }

// continues reports whether line can be the next line of the open record.
// It is false for a line starting with '{' where the record expects a key or
// a closing bracket, as when a record of `log show --style json` was cut
// after a member and the next record begins. It is also false for a line
// that no JSON text can start with, or that parses as a known log format
// such as a kernel denial. Such a line shows that the open record was cut
// off.
func (a *jsonAssembler) continues(line []byte) bool {
	trimmed := trimSpaceLeft(line)
	if len(trimmed) == 0 {
		return true
	}
	switch c := trimmed[0]; {
	case c == '{':
		// A one-line ndjson record cut after a key is followed by the next
		// record, which starts with a key, not by a nested value.
		nextRecord := a.oneLine && len(trimmed) > 1 && trimmed[1] == '"'
		return a.acceptsObject() && !nextRecord
	case c == '"' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
		return true
	case isDigit(c) || c == '-' || c == 't' || c == 'f' || c == 'n':
		// A number or literal in an array, unless the line reads as a log
		// line, such as one that starts with a timestamp.
		if _, ok := parseViolationLine(trimmed); ok || isBoilerplate(trimmed) {
			return false
		}
		_, kind := parseLine(line)
		return kind == lineUnknown
	default:
		return false
	}
}

// reset leaves the document, dropping any partial record.
func (a *jsonAssembler) reset() {
	*a = jsonAssembler{record: a.record[:0], containers: a.containers[:0]}
}

// dropRecord drops the open record but stays in the top-level array, so the
// records after a cut one are read as members of the same array.
func (a *jsonAssembler) dropRecord() {
	array := a.array
	a.reset()
	a.array = array
	a.active = array
}

// parseRecord reads the event of one JSON record. Its eventMessage contains
// a kernel line, a library message or a whole violation report. Process and
// pid come from the message, or from the record where the message names no
// process. The timestamp comes from the record, or from the message where
// the record has none. The kind is lineUnknown for invalid JSON.
func parseRecord(data []byte, format Format) (Event, lineKind) {
	var rec logRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return Event{}, lineUnknown
	}
	ev, ok := parseEventMessage(rec.EventMessage)
	if !ok {
		return Event{}, lineOther
	}
	ev.Format = format
	if rec.Timestamp != "" {
		ev.Time = rec.Timestamp
	}
	ev.Raw = rec.EventMessage
	if ev.Process == "" && rec.ProcessImagePath != "" {
		ev.Process = path.Base(rec.ProcessImagePath)
		ev.PID = rec.ProcessID
	}
	return ev, lineEvent
}

// parseEventMessage parses a message that may span lines: a denial or
// library message on its first line, optionally followed by the fields of a
// violation report.
func parseEventMessage(msg string) (Event, bool) {
	first, rest, _ := strings.Cut(msg, "\n")
	ev, found := parseMessage(bytes.TrimRight([]byte(first), "\r"))

	var st reportState
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		b := []byte(line)
		if !st.active {
			report, ok := parseViolationLine(b)
			if !ok {
				continue
			}
			if !found {
				ev, found = report, true
			}
			st.active = true
			continue
		}
		if !st.applyReportLine(&ev, b) {
			break
		}
	}
	return ev, found
}
