package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/socket"
)

// MarkdownOptions adjust the Markdown output.
type MarkdownOptions struct {
	// Redact replaces Home, each of Homes and any other /Users/NAME home
	// folder with "~", and User with "user", for reports pasted into public
	// tickets.
	Redact bool
	Home   string
	Homes  []string
	User   string
}

// redactor returns the function that redacts each value before it is
// escaped, or nil when opts keep values as they are.
func (opts MarkdownOptions) redactor() func(string) string {
	if !opts.Redact {
		return nil
	}
	homes := append([]string{opts.Home}, opts.Homes...)
	return func(s string) string { return RedactHomes(s, homes, opts.User) }
}

// markdownWriter builds Markdown. It redacts each value before escaping
// it, so a "~" put in by redaction is escaped like any other and the
// escaped form of a name cannot slip past redaction.
type markdownWriter struct {
	strings.Builder
	redact func(string) string // nil keeps values as they are
}

func (m *markdownWriter) clean(s string) string {
	if m.redact == nil {
		return s
	}
	return m.redact(s)
}

// text redacts s and escapes it for Markdown text (markdownText).
func (m *markdownWriter) text(s string) string {
	return markdownText(m.clean(s))
}

// code redacts s and puts it in a code span (code).
func (m *markdownWriter) code(s string) string {
	return code(m.clean(s))
}

// WriteMarkdown writes r as a Markdown section for a bug ticket or forum post.
func WriteMarkdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	b := &markdownWriter{redact: opts.redactor()}
	if r.Preset != nil {
		fmt.Fprintf(b, "## sockdoctor: preset %s (%s)\n\n%s\n\n", b.text(r.Preset.Name), b.text(r.Preset.Software), b.text(r.Preset.Note))
	}
	markdownVerdict(b, r.Verdict)
	if r.Target != nil {
		markdownTarget(b, r.Target)
	}

	if len(r.Candidates) == 0 {
		markdownSocket(b, r.Socket)
		markdownFindings(b, r.Findings, "###")
	} else {
		fmt.Fprintf(b, "### Candidate %d of %d, %s\n\n", r.chosenCandidate()+1, len(r.Candidates), b.text(r.choiceReason()))
		markdownSocket(b, r.Socket)
		markdownFindings(b, r.Findings, "####")
		markdownOtherCandidates(b, r)
	}
	fmt.Fprintf(b, "<sub>%s %s, JSON schema %s</sub>\n", b.text(r.Tool.Name), b.text(r.Tool.Version), b.text(r.SchemaVersion))
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownOtherCandidates writes a table row per candidate the report is
// not about.
func markdownOtherCandidates(b *markdownWriter, r *Report) {
	if len(r.Candidates) < 2 {
		return
	}
	chosen := r.chosenCandidate()
	b.WriteString("### Other candidates\n\n| Candidate | Path | Verdict | File |\n|---|---|---|---|\n")
	for i, c := range r.Candidates {
		if i == chosen {
			continue
		}
		fmt.Fprintf(b, "| %d of %d | %s | %s (%s) | %s |\n", i+1, len(r.Candidates),
			cell(b.code(candidatePath(c))), b.text(c.Verdict.Sandbox), cell(b.code(c.Verdict.Rule)), candidateFileState(c))
	}
	b.WriteString("\n")
}

// WriteFindingsMarkdown writes one finding list the way WriteMarkdown does,
// with headingLevel ("###") for each finding.
func WriteFindingsMarkdown(w io.Writer, findings []checks.Finding, headingLevel string, opts MarkdownOptions) error {
	b := &markdownWriter{redact: opts.redactor()}
	markdownFindings(b, findings, headingLevel)
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownVerdict(b *markdownWriter, v checks.Verdict) {
	rule := "no deciding rule"
	if v.Rule != "" {
		rule = b.code(v.Rule)
	}
	fmt.Fprintf(b, "## sockdoctor: %s (%s)\n\n", v.Sandbox, rule)
	fmt.Fprintf(b, "> %s\n\n", b.text(v.Summary))
}

func markdownTarget(b *markdownWriter, tg *Target) {
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(b, "| App | %s |\n", cell(b.code(tg.Path)))
	fmt.Fprintf(b, "| Identity | %s |\n", cell(markdownIdentity(b, tg)))
	fmt.Fprintf(b, "| Sandbox | %s |\n\n", cell(markdownSandbox(b, tg)))
}

func markdownSocket(b *markdownWriter, info *socket.Info) {
	if info == nil {
		return
	}
	b.WriteString("| Socket | |\n|---|---|\n")
	fmt.Fprintf(b, "| Path | %s |\n", cell(b.code(info.Path)))
	for _, line := range socketFacts(info) {
		fmt.Fprintf(b, "| | %s |\n", cell(b.text(line)))
	}
	b.WriteString("\n")
	if note := dialNote(info.Dial.Result); note != "" {
		fmt.Fprintf(b, "%s\n\n", note)
	}
}

func markdownFindings(b *markdownWriter, findings []checks.Finding, heading string) {
	if len(findings) == 0 {
		b.WriteString("No findings.\n\n")
		return
	}
	for _, f := range findings {
		fmt.Fprintf(b, "%s %s %s: %s\n\n", heading, f.Severity, b.code(f.Rule), b.text(f.Title))
		fmt.Fprintf(b, "%s\n\n", b.text(f.Message))
		markdownList(b, "Evidence", f.Evidence)
		markdownList(b, "Workaround", f.Workaround)
		markdownList(b, "References", f.References)
	}
}

func markdownList(b *markdownWriter, heading string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "**%s**\n\n", heading)
	for _, item := range items {
		fmt.Fprintf(b, "- %s\n", b.text(item))
	}
	b.WriteString("\n")
}

// markdownIdentity is targetFacts with the bundle ID and team ID, which
// come from the app, in code spans.
func markdownIdentity(b *markdownWriter, tg *Target) string {
	var facts []string
	if tg.BundleID != "" {
		facts = append(facts, "bundle ID "+b.code(tg.BundleID))
	}
	if tg.TeamID != "" {
		facts = append(facts, "team "+b.code(tg.TeamID))
	}
	facts = append(facts, "signature "+b.text(signatureText(tg)), "distribution "+b.text(tg.Distribution))
	return strings.Join(facts, ", ")
}

// markdownSandbox is sandboxFacts with each app group in a code span.
func markdownSandbox(b *markdownWriter, tg *Target) string {
	if !tg.Sandboxed || len(tg.AppGroups) == 0 {
		return b.text(sandboxFacts(tg))
	}
	groups := make([]string, len(tg.AppGroups))
	for i, g := range tg.AppGroups {
		groups[i] = b.code(g)
	}
	return "sandboxed, app groups " + strings.Join(groups, ", ")
}

// code wraps s in a code span whose backtick fence is longer than any run
// of backticks inside s, as CommonMark requires. Control characters, line
// breaks and format characters in s are escaped with Printable, and HTML
// inside a code span is shown as text.
func code(s string) string {
	if s == "" {
		return ""
	}
	s = Printable(s)
	fence := strings.Repeat("`", longestBacktickRun(s)+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// longestBacktickRun returns the length of the longest run of backticks in
// s; a Markdown code span or fence must use a longer run to enclose s.
func longestBacktickRun(s string) int {
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// cell escapes the pipe that would end a table cell, also inside a code
// span, in Markdown made by code or markdownText.
func cell(markdown string) string {
	return strings.ReplaceAll(markdown, "|", `\|`)
}

// markdownEscaper escapes the characters that would start HTML, an entity,
// a code span, a backslash escape, emphasis, strikethrough or a link in
// Markdown text.
var markdownEscaper = strings.NewReplacer(
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	"`", "\\`",
	"\\", "\\\\",
	"*", "\\*",
	"_", "\\_",
	"[", "\\[",
	"]", "\\]",
	"~", "\\~",
)

// markdownText escapes s for Markdown text outside code spans. Control
// characters, line breaks and format characters become escapes
// (Printable), so a value cannot end a list item, forge a line or reorder
// one, HTML shows as text, and a path cannot turn into emphasis or a link.
func markdownText(s string) string {
	return markdownEscaper.Replace(Printable(s))
}
