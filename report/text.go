package report

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/fatih/color"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// TextOptions adjust the terminal output.
type TextOptions struct {
	// Color turns on ANSI colours. The caller decides (a terminal, NO_COLOR,
	// --color); the writer never looks at the environment itself.
	Color bool
}

// dialNote returns a note on what the test connect's result proves, or ""
// for a skipped test connect.
func dialNote(result socket.DialResult) string {
	switch result {
	case socket.DialSkipped:
		return ""
	case socket.DialConnected:
		return "The test connect ran in sockdoctor's process, outside the app's sandbox: " +
			"\"connected\" proves that a server listens, not that the app may connect."
	}
	return "The test connect ran in sockdoctor's process, outside the app's sandbox, " +
		"so its result describes the socket and its server, not the sandbox."
}

// palette holds the colours of one output; every colour is off unless
// TextOptions.Color is set.
type palette struct {
	bold, red, yellow, green, cyan, faint style
}

// style is one colour of a palette. It escapes the text it colours with
// Printable, because the text may quote paths and log lines.
type style struct {
	color *color.Color
}

// styled is text that a style has escaped and coloured; textWriter.printf
// writes it as it is.
type styled string

func (s style) Sprint(a ...any) styled {
	return styled(s.color.Sprint(Printable(fmt.Sprint(a...))))
}

func (s style) Sprintf(format string, a ...any) styled {
	return styled(s.color.Sprint(Printable(fmt.Sprintf(format, a...))))
}

func newPalette(enabled bool) palette {
	newStyle := func(attrs ...color.Attribute) style {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return style{color: c}
	}
	return palette{
		bold:   newStyle(color.Bold),
		red:    newStyle(color.FgRed, color.Bold),
		yellow: newStyle(color.FgYellow, color.Bold),
		green:  newStyle(color.FgGreen, color.Bold),
		cyan:   newStyle(color.FgCyan),
		faint:  newStyle(color.Faint),
	}
}

// WriteText writes r for a terminal: the verdict first, then the app, the
// socket and every finding with its evidence and workaround.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	p := newPalette(opts.Color)
	tw := &textWriter{w: w, p: p}

	if r.Preset != nil {
		tw.printf("%s %s (%s): %s\n", p.bold.Sprint("Preset"), r.Preset.Name, r.Preset.Software, countNoun(len(r.Candidates), "candidate path", "candidate paths"))
		tw.printf("  %s\n", r.Preset.Note)
		tw.println()
	}
	tw.verdict(r.Verdict)
	tw.println()
	if r.Target != nil {
		tw.target(r.Target)
	}

	if len(r.Candidates) > 0 {
		chosen := r.chosenCandidate()
		tw.println()
		tw.printf("%s %d of %d, %s:\n", p.bold.Sprint("Candidate"), chosen+1, len(r.Candidates), r.choiceReason())
	}
	tw.socket(r.Socket)
	tw.println()
	tw.findings(r.Findings)
	tw.otherCandidates(r)
	return tw.err
}

// otherCandidates writes one summary line per candidate the report is not
// about; the JSON report keeps their full diagnoses.
func (t *textWriter) otherCandidates(r *Report) {
	if len(r.Candidates) < 2 {
		return
	}
	chosen := r.chosenCandidate()
	t.println()
	t.printf("%s\n", t.p.bold.Sprint("Other candidates:"))
	for i, c := range r.Candidates {
		if i == chosen {
			continue
		}
		t.printf("  %d of %d: %s: %s (%s), %s\n", i+1, len(r.Candidates), candidatePath(c), strings.ToUpper(c.Verdict.Sandbox), c.Verdict.Rule, candidateFileState(c))
	}
}

// WriteFindingsText writes one finding list the way WriteText does, for
// commands that diagnose more than one socket.
func WriteFindingsText(w io.Writer, findings []checks.Finding, opts TextOptions) error {
	tw := &textWriter{w: w, p: newPalette(opts.Color)}
	tw.findings(findings)
	return tw.err
}

// WriteVerdictText writes the verdict line and its summary.
func WriteVerdictText(w io.Writer, v checks.Verdict, opts TextOptions) error {
	tw := &textWriter{w: w, p: newPalette(opts.Color)}
	tw.verdict(v)
	return tw.err
}

// textWriter keeps the first write error so the rendering code stays flat.
type textWriter struct {
	w   io.Writer
	p   palette
	err error
}

// printf formats like fmt.Fprintf. Every string argument except styled
// text is escaped with Printable, so no path, log text or entitlement
// value reaches the terminal as a control character, a line break or a
// bidi control.
func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = Fprintf(t.w, format, args...)
	}
}

// Fprintf formats like fmt.Fprintf, but escapes every string, error and
// fmt.Stringer argument with Printable. Use it for terminal output that
// quotes values from outside: paths, log text, entitlement values.
func Fprintf(w io.Writer, format string, args ...any) (int, error) {
	escaped := make([]any, len(args))
	for i, arg := range args {
		escaped[i] = printableArg(arg)
	}
	return fmt.Fprintf(w, format, escaped...)
}

func printableArg(arg any) any {
	switch v := arg.(type) {
	case styled:
		return string(v)
	case string:
		return Printable(v)
	case error:
		return Printable(v.Error())
	case fmt.Stringer:
		return Printable(v.String())
	}
	if v := reflect.ValueOf(arg); v.Kind() == reflect.String {
		return Printable(v.String())
	}
	return arg
}

func (t *textWriter) println() { t.printf("\n") }

func (t *textWriter) verdict(v checks.Verdict) {
	t.printf("%s ", t.p.bold.Sprint("Sandbox:"))
	t.verdictWord(v)
}

// verdictWord writes the rest of a verdict header: the coloured verdict,
// the deciding rule and the summary on the next line.
func (t *textWriter) verdictWord(v checks.Verdict) {
	upper := strings.ToUpper(v.Sandbox)
	var word styled
	switch v.Sandbox {
	case checks.SandboxDenied:
		word = t.p.red.Sprint(upper)
	case checks.SandboxAllowed, checks.SandboxNotSandboxed:
		word = t.p.green.Sprint(upper)
	default:
		word = t.p.yellow.Sprint(upper)
	}
	rule := v.Rule
	if rule == "" {
		rule = "no deciding rule"
	}
	t.printf("%s (%s)\n", word, rule)
	t.printf("  %s\n", v.Summary)
}

func (t *textWriter) target(tg *Target) {
	t.printf("%s    %s\n", t.p.bold.Sprint("App:"), tg.Path)
	t.printf("        %s\n", strings.Join(targetFacts(tg), ", "))
	t.printf("        %s\n", sandboxFacts(tg))
}

func (t *textWriter) socket(info *socket.Info) {
	if info == nil {
		return
	}
	t.printf("%s %s\n", t.p.bold.Sprint("Socket:"), info.Path)
	for _, line := range socketFacts(info) {
		t.printf("        %s\n", line)
	}
	if note := dialNote(info.Dial.Result); note != "" {
		t.printf("        %s\n", t.p.faint.Sprint(note))
	}
}

func (t *textWriter) findings(findings []checks.Finding) {
	if len(findings) == 0 {
		t.printf("No findings.\n")
		return
	}
	t.printf("%s\n", t.p.bold.Sprintf("Findings (%d):", len(findings)))
	for _, f := range findings {
		t.println()
		t.printf("%s %s: %s\n", t.severity(f.Severity), t.p.bold.Sprint(f.Rule), f.Title)
		t.printf("  %s\n", f.Message)
		t.list("Evidence", f.Evidence)
		t.list("Workaround", f.Workaround)
		t.list("References", f.References)
	}
}

func (t *textWriter) severity(s checks.Severity) styled {
	label := fmt.Sprintf("%-7s", s)
	switch s {
	case checks.SeverityError:
		return t.p.red.Sprint(label)
	case checks.SeverityWarning:
		return t.p.yellow.Sprint(label)
	}
	return t.p.cyan.Sprint(label)
}

func (t *textWriter) list(heading string, items []string) {
	if len(items) == 0 {
		return
	}
	t.printf("  %s:\n", heading)
	for _, item := range items {
		t.printf("    - %s\n", item)
	}
}

// targetFacts lists the app's identity for the report header.
func targetFacts(tg *Target) []string {
	var facts []string
	if tg.BundleID != "" {
		facts = append(facts, "bundle ID "+tg.BundleID)
	}
	if tg.TeamID != "" {
		facts = append(facts, "team "+tg.TeamID)
	}
	facts = append(facts, "signature "+signatureText(tg), "distribution "+tg.Distribution)
	return facts
}

// signatureText describes the target's signature for people. A plist read
// from source has no signature, which the JSON report states as "unknown".
func signatureText(tg *Target) string {
	if tg.Kind == entitlements.KindEntitlementsFile && tg.Signature == string(entitlements.SignatureUnknown) {
		return "none (source file)"
	}
	return tg.Signature
}

func sandboxFacts(tg *Target) string {
	if !tg.Sandboxed {
		return "not sandboxed"
	}
	if len(tg.AppGroups) == 0 {
		return "sandboxed, no app group"
	}
	return "sandboxed, app groups " + strings.Join(tg.AppGroups, ", ")
}

// socketFacts lists what socket.Inspect found, one fact per line.
func socketFacts(info *socket.Info) []string {
	var lines []string
	if info.ResolvedPath != info.Path {
		lines = append(lines, "resolved to "+info.ResolvedPath)
	}
	for _, h := range info.Hops {
		lines = append(lines, fmt.Sprintf("symlink %s -> %s", h.From, h.To))
	}
	lines = append(lines, fmt.Sprintf("%s; %s: %s", pathLengthFact(info), info.Location, info.LocationDetail))

	lines = append(lines, fileState(info))
	if info.Modelled != "" {
		lines = append(lines, "modelled: "+info.Modelled)
	}

	dial := "test connect: " + string(info.Dial.Result)
	if info.Dial.Errno != "" {
		dial += " (" + info.Dial.Errno + ")"
	}
	if info.Dial.Result == socket.DialSkipped && info.Dial.SkipReason != "" {
		dial += ", " + info.Dial.SkipReason
	}
	return append(lines, dial)
}

// pathLengthFact states the length of the given path, which must fit
// sun_path, and of the resolved path when it differs.
func pathLengthFact(info *socket.Info) string {
	given := info.GivenBytes()
	fact := fmt.Sprintf("%d bytes (sun_path holds %d)", given, socket.MaxPathBytes)
	if info.PathBytes != given {
		fact += fmt.Sprintf(", resolved path %d bytes", info.PathBytes)
	}
	return fact
}

// fileState describes what stat found at the resolved path.
func fileState(info *socket.Info) string {
	switch info.Type {
	case "missing":
		if info.StatError == socket.StatNotADirectory {
			return "no file at this path: a path component is not a directory"
		}
		return "no file at this path"
	case "unknown":
		switch {
		case info.Modelled != "":
			return "file state unknown: not read on this host"
		case info.StatError != "":
			return "file state unknown: " + info.StatError
		}
		return "file state unknown"
	}
	state := info.Type
	if info.Mode != "" {
		state += " " + info.Mode
	}
	if info.Owner != "" {
		state += " owned by " + info.Owner
	}
	return state
}

// countNoun returns n with the singular or plural noun: "1 candidate path".
func countNoun(n int, singular, plural string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, singular)
	}
	return fmt.Sprintf("%d %s", n, plural)
}
