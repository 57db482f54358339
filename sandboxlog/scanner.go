package sandboxlog

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLineBytes bounds one input line; the rest of a longer line is skipped
// and the line counted in Stats.Oversized.
const MaxLineBytes = 1 << 20

// readBufferBytes is the size of the read buffer.
const readBufferBytes = 64 << 10

// Options change how a Scanner reads.
type Options struct {
	// Eager returns each event as soon as no more input is buffered, instead
	// of waiting for the next line to see whether a violation report follows.
	// Use it for live input such as `log stream`; a report whose lines arrive
	// in separate writes may then lose its later fields.
	Eager bool
}

// Scanner reads events from a log, one line at a time, in memory bounded by
// MaxLineBytes and MaxRecordBytes. Use it like bufio.Scanner:
//
//	s := sandboxlog.NewScanner(r, sandboxlog.Options{})
//	for s.Scan() {
//		ev := s.Event()
//	}
//	if err := s.Err(); err != nil { ... }
type Scanner struct {
	reader *bufio.Reader
	opts   Options

	long   []byte // a line longer than the read buffer, assembled
	lineNo int
	eof    bool
	err    error

	// pending is a denial held back until the next line shows whether a
	// violation report follows it and adds to it.
	pending *Event
	report  reportState
	json    jsonAssembler

	queue []Event
	event Event
	stats Stats
}

// NewScanner returns a Scanner that reads from r.
func NewScanner(r io.Reader, opts Options) *Scanner {
	return &Scanner{reader: bufio.NewReaderSize(r, readBufferBytes), opts: opts}
}

// Scan advances to the next event and reports whether there is one. It
// returns false at the end of the input or on a read error.
func (s *Scanner) Scan() bool {
	for len(s.queue) == 0 {
		if s.eof || s.err != nil {
			s.flush()
			if len(s.queue) == 0 {
				return false
			}
			break
		}
		if s.opts.Eager && s.pending != nil && s.reader.Buffered() == 0 {
			s.flush()
			continue
		}

		line, err := s.readLine()
		if line != nil {
			s.handleLine(line)
		}
		switch {
		case errors.Is(err, io.EOF):
			s.eof = true
			if s.json.inRecord() {
				// The input ended inside a JSON record.
				s.stats.Unknown++
				s.json.reset()
			}
		case err != nil:
			s.err = err
		}
	}

	s.event = s.queue[0]
	s.queue = s.queue[1:]
	s.stats.Events++
	return true
}

// Event returns the event found by the last call to Scan.
func (s *Scanner) Event() Event { return s.event }

// Err returns the first read error, or nil at a clean end of input.
func (s *Scanner) Err() error { return s.err }

// Stats returns the counts so far.
func (s *Scanner) Stats() Stats { return s.stats }

// readLine returns the next line without its line ending, or nil with the
// error when no line is left. A line longer than MaxLineBytes is cut to
// that length and counted as oversized.
func (s *Scanner) readLine() ([]byte, error) {
	for {
		line, oversized, err := s.readRawLine()
		if !oversized {
			return line, err
		}
		s.lineNo++
		s.stats.Lines++
		s.stats.Oversized++
		if err != nil {
			return nil, err
		}
	}
}

// readRawLine reads up to the next newline. oversized reports a line longer
// than MaxLineBytes, whose bytes are dropped.
func (s *Scanner) readRawLine() (line []byte, oversized bool, err error) {
	s.long = s.long[:0]
	for {
		chunk, err := s.reader.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(s.long)+len(chunk) <= MaxLineBytes {
				s.long = append(s.long, chunk...)
			} else {
				oversized = true
			}
			continue
		}
		if oversized || len(s.long)+len(chunk) > MaxLineBytes+len("\r\n") {
			return nil, true, err
		}
		if len(chunk) == 0 && len(s.long) == 0 {
			return nil, false, err
		}

		line := chunk
		if len(s.long) > 0 {
			s.long = append(s.long, chunk...)
			line = s.long
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, false, err
	}
}

// handleLine sorts one line into the document, report or line state it
// belongs to.
func (s *Scanner) handleLine(line []byte) {
	s.lineNo++
	s.stats.Lines++

	if s.json.active {
		if done := s.feedJSON(line); done {
			return
		}
	}

	if s.report.active {
		if s.report.applyReportLine(s.pending, line) {
			return
		}
		s.report = reportState{}
		s.flush()
	}

	trimmed := trimSpaceLeft(line)
	if len(trimmed) == 0 {
		return
	}
	// A line that starts like JSON but is not JSON, such as "[subsystem] text",
	// is read as a log line.
	if (trimmed[0] == '{' || trimmed[0] == '[') && s.json.feed(line, s.lineNo, s.completeRecord) {
		s.dropCutRecord()
		return
	}
	if report, ok := parseViolationLine(trimmed); ok {
		s.startReport(report, line)
		return
	}

	s.flush()
	ev, kind := parseLine(line)
	switch kind {
	case lineEvent:
		ev.Line = s.lineNo
		if ev.Errno == 0 {
			// A copy declared here escapes only for events, not every line.
			pending := ev
			s.pending = &pending
		} else {
			s.queue = append(s.queue, ev)
		}
	case lineOther:
		s.stats.Other++
	default:
		if !isBoilerplate(trimmed) {
			s.stats.Unknown++
		}
	}
}

// feedJSON passes a line to the open JSON document. It returns false when
// the line is not part of the document, which then ends; the caller parses
// the line afresh.
func (s *Scanner) feedJSON(line []byte) (done bool) {
	if s.json.inRecord() && !s.json.continues(line) {
		// The open record was cut off, so it is counted, and the line
		// starts whatever comes next: another record of the same array or
		// a log line.
		s.stats.Unknown++
		s.json.dropRecord()
		return false
	}
	if s.json.feed(line, s.lineNo, s.completeRecord) {
		s.dropCutRecord()
		return true
	}
	if s.json.completed {
		// A record ended earlier on this line, so the line is not parsed
		// again, which could return its event twice.
		s.stats.Unknown++
		return true
	}
	return false
}

// dropCutRecord drops an open JSON record that cannot be completed: one
// whose line ends inside a string, or one longer than MaxRecordLines.
func (s *Scanner) dropCutRecord() {
	switch {
	case s.json.brokenRecord():
		s.stats.Unknown++
		s.json.dropRecord()
	case s.json.inRecord() && s.json.lines >= MaxRecordLines:
		s.stats.Oversized++
		s.json.reset()
	}
}

// startReport begins a violation report. When the kernel line just before
// it names the same operation and target, the report adds to that event.
func (s *Scanner) startReport(report Event, line []byte) {
	p := s.pending
	if p != nil && p.Operation == report.Operation && p.Target == report.Target {
		p.Format = FormatViolationReport
	} else {
		s.flush()
		report.Line = s.lineNo
		report.Raw = string(line)
		s.pending = &report
	}
	s.report = reportState{active: true}
}

// completeRecord turns a finished JSON record into an event.
func (s *Scanner) completeRecord(record []byte, startLine int, overflow bool) {
	if overflow {
		s.stats.Oversized++
		return
	}
	format := FormatNDJSON
	if s.json.array || startLine != s.lineNo {
		format = FormatJSON
	}
	ev, kind := parseRecord(record, format)
	switch kind {
	case lineUnknown:
		s.stats.Unknown++
		return
	case lineOther:
		s.stats.Other++
		return
	}
	ev.Line = startLine
	s.queue = append(s.queue, ev)
}

// flush queues the pending event.
func (s *Scanner) flush() {
	if s.pending != nil {
		s.queue = append(s.queue, *s.pending)
		s.pending = nil
	}
}

// boilerplate lists the starts of lines that `log show` and `log stream`
// print around the entries, and comment lines.
var boilerplate = [][]byte{
	[]byte("#"),
	[]byte("Timestamp "),
	[]byte("Filtering the log data"),
	[]byte("Skipping info and debug messages"),
	[]byte("---"),
	[]byte("Log      -"),
	[]byte("Activity -"),
	[]byte("Trace    -"),
	[]byte("Signpost -"),
}

func isBoilerplate(line []byte) bool {
	for _, b := range boilerplate {
		if bytes.HasPrefix(line, b) {
			return true
		}
	}
	return false
}
