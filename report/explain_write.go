package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteExplainText writes every denial of r and a summary of the input.
func WriteExplainText(w io.Writer, r *ExplainReport, opts TextOptions) error {
	tw := &textWriter{w: w, p: newPalette(opts.Color)}
	if r.Target != nil {
		tw.target(r.Target)
		tw.println()
	}
	if tw.err != nil {
		return tw.err
	}
	for i := range r.Denials {
		if err := WriteDenialText(w, i+1, &r.Denials[i], opts); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, InputSummary(len(r.Denials), r.Input))
	return err
}

// WriteDenialText writes one denial or socket error, numbered n, for a
// terminal: the logged line and the one-line meaning, then the verdict and
// findings.
func WriteDenialText(w io.Writer, n int, d *Denial, opts TextOptions) error {
	tw := &textWriter{w: w, p: newPalette(opts.Color)}
	tw.printf("%s %s\n", tw.p.bold.Sprintf("%s %d:", d.Label(), n), d.Headline())
	tw.printf("  %s\n", tw.p.faint.Sprint(d.Source()))
	if occ := d.Occurrences(); occ != "" {
		tw.printf("  %s\n", occ)
	}
	for _, line := range reportFacts(d) {
		tw.printf("  %s\n", line)
	}
	for _, a := range d.Assumed {
		tw.printf("  %s %s\n", tw.p.faint.Sprint("assumed:"), a)
	}
	if d.Meaning != "" {
		tw.printf("  %s\n", d.Meaning)
	}
	tw.println()

	if d.Verdict != nil {
		tw.verdict(*d.Verdict)
		tw.println()
	}
	if d.Verdict != nil || len(d.Findings) > 0 {
		tw.findings(d.Findings)
		tw.println()
	}
	return tw.err
}

// InputSummary returns one line that counts the denials and the lines read,
// including those skipped, so no input is dropped silently.
func InputSummary(denials int, s LogStats) string {
	summary := fmt.Sprintf("%s from %s in %s.", plural(denials, "distinct denial"), plural(s.Events, "log entry"), plural(s.Lines, "line"))
	var skipped []string
	if s.Other > 0 {
		skipped = append(skipped, plural(s.Other, "log entry")+" without a denial")
	}
	if s.Unknown > 0 {
		skipped = append(skipped, plural(s.Unknown, "line")+" in no known format")
	}
	if s.Oversized > 0 {
		skipped = append(skipped, plural(s.Oversized, "line")+" too long to read")
	}
	if len(skipped) > 0 {
		summary += " Skipped: " + strings.Join(skipped, ", ") + "."
	}
	return summary
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// reportFacts lists the fields of a violation report.
func reportFacts(d *Denial) []string {
	var lines []string
	if d.Identifier != "" {
		lines = append(lines, "identifier: "+d.Identifier)
	}
	if d.ExecutablePath != "" {
		lines = append(lines, "executable: "+d.ExecutablePath)
	}
	if d.Responsible != "" && d.Responsible != d.ExecutablePath {
		lines = append(lines, "responsible: "+d.Responsible)
	}
	for i, frame := range d.Backtrace {
		lines = append(lines, fmt.Sprintf("frame %d: %s", i, frame))
	}
	return lines
}

// WriteExplainJSON writes r as indented JSON followed by a newline.
func WriteExplainJSON(w io.Writer, r *ExplainReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteDenialJSON writes d as one line of JSON, for streaming output where
// each line is one denial (JSON Lines).
func WriteDenialJSON(w io.Writer, d *Denial) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// UserHome is a home folder and its user name, both replaced when a
// Markdown report is redacted.
type UserHome struct {
	Home string
	User string
}

// ExplainMarkdownOptions adjust the Markdown output of explain.
type ExplainMarkdownOptions struct {
	// Redact replaces each of Users' home folders with "~" and each user
	// name with "user".
	Redact bool
	Users  []UserHome
}

// redactor returns the function that redacts each value before it is
// escaped, or nil when opts keep values as they are. It hides every home
// folder of Users, longest first, any other /Users/NAME home folder and
// every user name of Users, like RedactHomes.
func (opts ExplainMarkdownOptions) redactor() func(string) string {
	if !opts.Redact {
		return nil
	}
	var homes, users []string
	for _, u := range opts.Users {
		homes = append(homes, u.Home)
		if u.User != "" {
			users = append(users, u.User)
		}
	}
	return func(s string) string {
		s = RedactHomes(s, homes, "")
		for _, user := range users {
			s = Redact(s, "", user)
		}
		return s
	}
}

// WriteExplainMarkdown writes r as Markdown for a bug ticket or forum post.
func WriteExplainMarkdown(w io.Writer, r *ExplainReport, opts ExplainMarkdownOptions) error {
	b := &markdownWriter{redact: opts.redactor()}
	fmt.Fprintf(b, "## sockdoctor explain: %s\n\n", plural(len(r.Denials), "distinct denial"))
	if r.Target != nil {
		markdownTarget(b, r.Target)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}

	for i := range r.Denials {
		if err := WriteDenialMarkdown(w, i+1, &r.Denials[i], opts); err != nil {
			return err
		}
	}
	b = &markdownWriter{redact: opts.redactor()}
	fmt.Fprintf(b, "%s\n\n<sub>%s %s, JSON schema %s</sub>\n", b.text(InputSummary(len(r.Denials), r.Input)),
		b.text(r.Tool.Name), b.text(r.Tool.Version), b.text(r.SchemaVersion))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDenialMarkdown writes one denial, numbered n, as a Markdown section.
func WriteDenialMarkdown(w io.Writer, n int, d *Denial, opts ExplainMarkdownOptions) error {
	b := &markdownWriter{redact: opts.redactor()}
	fmt.Fprintf(b, "### %d. %s\n\n", n, b.code(d.Headline()))
	b.WriteString(fence(b.clean(d.Raw)) + "\n\n")
	facts := []string{d.Source()}
	if occ := d.Occurrences(); occ != "" {
		facts = append(facts, occ)
	}
	fmt.Fprintf(b, "%s\n\n", b.text(strings.Join(facts, "; ")))
	markdownList(b, "Violation report", reportFacts(d))
	markdownList(b, "Assumed", d.Assumed)
	if d.Meaning != "" {
		fmt.Fprintf(b, "%s\n\n", b.text(d.Meaning))
	}

	if d.Verdict != nil {
		rule := "no deciding rule"
		if d.Verdict.Rule != "" {
			rule = b.code(d.Verdict.Rule)
		}
		fmt.Fprintf(b, "**Sandbox: %s** (%s)\n\n> %s\n\n", d.Verdict.Sandbox, rule, b.text(d.Verdict.Summary))
	}
	if d.Verdict != nil || len(d.Findings) > 0 {
		markdownFindings(b, d.Findings, "####")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fence puts s in a fenced code block whose fence is longer than any run of
// backticks in s.
func fence(s string) string {
	s = Printable(s)
	marker := strings.Repeat("`", max(3, longestBacktickRun(s)+1))
	return marker + "\n" + s + "\n" + marker
}

// ExplainSARIFResults returns a SARIF result, without a location, for each
// finding of each denial. The denial's headline separates the results of
// one rule.
func ExplainSARIFResults(r *ExplainReport) []SARIFResult {
	var results []SARIFResult
	for _, d := range r.Denials {
		for _, f := range d.Findings {
			results = append(results, SARIFResult{Finding: f, Identity: d.Headline()})
		}
	}
	return results
}

// WriteTargetText writes the app lines of a text report.
func WriteTargetText(w io.Writer, tg *Target, opts TextOptions) error {
	tw := &textWriter{w: w, p: newPalette(opts.Color)}
	tw.target(tg)
	tw.println()
	return tw.err
}

// WriteTargetMarkdown writes the app table of a Markdown report, redacted
// as opts ask.
func WriteTargetMarkdown(w io.Writer, tg *Target, opts ExplainMarkdownOptions) error {
	b := &markdownWriter{redact: opts.redactor()}
	markdownTarget(b, tg)
	_, err := io.WriteString(w, b.String())
	return err
}
