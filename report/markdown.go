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
	// Redact replaces Home with "~" and User with "user" everywhere in the
	// output, for reports pasted into public tickets.
	Redact bool
	Home   string
	User   string
}

// WriteMarkdown writes r as a Markdown section for a bug ticket or forum post.
func WriteMarkdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	var b strings.Builder
	if r.Preset != nil {
		fmt.Fprintf(&b, "## sockdoctor: preset %s (%s)\n\n%s\n\n", r.Preset.Name, r.Preset.Software, r.Preset.Note)
	}
	markdownVerdict(&b, r.Verdict)
	if r.Target != nil {
		markdownTarget(&b, r.Target)
	}

	if len(r.Candidates) == 0 {
		markdownSocket(&b, r.Socket)
		markdownFindings(&b, r.Findings, "###")
	} else {
		fmt.Fprintf(&b, "### Candidate %d of %d, %s\n\n", r.chosenCandidate()+1, len(r.Candidates), markdownText(r.choiceReason()))
		markdownSocket(&b, r.Socket)
		markdownFindings(&b, r.Findings, "####")
		markdownOtherCandidates(&b, r)
	}
	fmt.Fprintf(&b, "<sub>%s %s, JSON schema %s</sub>\n", r.Tool.Name, r.Tool.Version, r.SchemaVersion)
	return writeRedacted(w, b.String(), opts)
}

// markdownOtherCandidates writes a table row per candidate the report is
// not about.
func markdownOtherCandidates(b *strings.Builder, r *Report) {
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
			cell(code(candidatePath(c))), markdownText(c.Verdict.Sandbox), cell(code(c.Verdict.Rule)), candidateFileState(c))
	}
	b.WriteString("\n")
}

// WriteFindingsMarkdown writes one finding list the way WriteMarkdown does,
// with headingLevel ("###") for each finding.
func WriteFindingsMarkdown(w io.Writer, findings []checks.Finding, headingLevel string, opts MarkdownOptions) error {
	var b strings.Builder
	markdownFindings(&b, findings, headingLevel)
	return writeRedacted(w, b.String(), opts)
}

func writeRedacted(w io.Writer, s string, opts MarkdownOptions) error {
	if opts.Redact {
		s = Redact(s, opts.Home, opts.User)
	}
	_, err := io.WriteString(w, s)
	return err
}

func markdownVerdict(b *strings.Builder, v checks.Verdict) {
	rule := "no deciding rule"
	if v.Rule != "" {
		rule = code(v.Rule)
	}
	fmt.Fprintf(b, "## sockdoctor: %s (%s)\n\n", v.Sandbox, rule)
	fmt.Fprintf(b, "> %s\n\n", markdownText(v.Summary))
}

func markdownTarget(b *strings.Builder, tg *Target) {
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(b, "| App | %s |\n", cell(code(tg.Path)))
	fmt.Fprintf(b, "| Identity | %s |\n", cell(markdownIdentity(tg)))
	fmt.Fprintf(b, "| Sandbox | %s |\n\n", cell(markdownSandbox(tg)))
}

func markdownSocket(b *strings.Builder, info *socket.Info) {
	if info == nil {
		return
	}
	b.WriteString("| Socket | |\n|---|---|\n")
	fmt.Fprintf(b, "| Path | %s |\n", cell(code(info.Path)))
	for _, line := range socketFacts(info) {
		fmt.Fprintf(b, "| | %s |\n", cell(markdownText(line)))
	}
	b.WriteString("\n")
	if note := dialNote(info.Dial.Result); note != "" {
		fmt.Fprintf(b, "%s\n\n", note)
	}
}

func markdownFindings(b *strings.Builder, findings []checks.Finding, heading string) {
	if len(findings) == 0 {
		b.WriteString("No findings.\n\n")
		return
	}
	for _, f := range findings {
		fmt.Fprintf(b, "%s %s %s: %s\n\n", heading, f.Severity, code(f.Rule), markdownText(f.Title))
		fmt.Fprintf(b, "%s\n\n", markdownText(f.Message))
		markdownList(b, "Evidence", f.Evidence)
		markdownList(b, "Workaround", f.Workaround)
		markdownList(b, "References", f.References)
	}
}

func markdownList(b *strings.Builder, heading string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "**%s**\n\n", heading)
	for _, item := range items {
		fmt.Fprintf(b, "- %s\n", markdownText(item))
	}
	b.WriteString("\n")
}

// markdownIdentity is targetFacts with the bundle ID and team ID, which
// come from the app, in code spans.
func markdownIdentity(tg *Target) string {
	var facts []string
	if tg.BundleID != "" {
		facts = append(facts, "bundle ID "+code(tg.BundleID))
	}
	if tg.TeamID != "" {
		facts = append(facts, "team "+code(tg.TeamID))
	}
	facts = append(facts, "signature "+markdownText(signatureText(tg)), "distribution "+markdownText(tg.Distribution))
	return strings.Join(facts, ", ")
}

// markdownSandbox is sandboxFacts with each app group in a code span.
func markdownSandbox(tg *Target) string {
	if !tg.Sandboxed || len(tg.AppGroups) == 0 {
		return markdownText(sandboxFacts(tg))
	}
	groups := make([]string, len(tg.AppGroups))
	for i, g := range tg.AppGroups {
		groups[i] = code(g)
	}
	return "sandboxed, app groups " + strings.Join(groups, ", ")
}

// code wraps s in a code span whose backtick fence is longer than any run
// of backticks inside s, as CommonMark requires. Control characters, line
// breaks and format characters in s are escaped with escapeText, and HTML
// inside a code span is shown as text.
func code(s string) string {
	if s == "" {
		return ""
	}
	s = escapeText(s)
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
// a code span, a backslash escape, emphasis or a link in Markdown text.
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
)

// markdownText escapes s for Markdown text outside code spans. Control
// characters, line breaks and format characters become escapes
// (escapeText), so a value cannot end a list item, forge a line or reorder
// one, HTML shows as text, and a path cannot turn into emphasis or a link.
func markdownText(s string) string {
	return markdownEscaper.Replace(escapeText(s))
}
