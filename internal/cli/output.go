package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sockdoctor/sockdoctor/checks"
)

// outputOptions are the flags every reporting command shares: the report
// format, the severity that fails the run, colour and redaction.
type outputOptions struct {
	Format   string
	FailOn   string
	Color    string
	Redact   bool
	NoRedact bool

	formats []string // formats this command accepts, in help order
	flags   *pflag.FlagSet
}

// addOutputFlags registers --format, --fail-on, --color, --redact and
// --no-redact on cmd. formats lists the accepted formats; the first is the
// default.
func addOutputFlags(cmd *cobra.Command, o *outputOptions, formats ...string) {
	o.formats = formats
	f := cmd.Flags()
	o.flags = f
	f.StringVar(&o.Format, "format", formats[0], "report format: "+strings.Join(formats, ", "))
	f.StringVar(&o.FailOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning, info, never")
	f.StringVar(&o.Color, "color", "auto", "colour in text output: auto (on a terminal, unless NO_COLOR is set or TERM is dumb), always, never")
	f.BoolVar(&o.Redact, "redact", true, "replace the user name and home folder with \"user\" and \"~\" in Markdown output")
	f.BoolVar(&o.NoRedact, "no-redact", false, "keep the user name and home folder in Markdown output")

	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "info", "never"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
}

// validate checks the values of the shared output flags.
func (o *outputOptions) validate() error {
	if !slices.Contains(o.formats, o.Format) {
		return inputErrorf("pass one of: "+strings.Join(o.formats, ", "), "invalid --format %q", o.Format)
	}
	if _, err := failThreshold(o.FailOn); err != nil {
		return err
	}
	switch o.Color {
	case "auto", "always", "never":
	default:
		return inputErrorf("pass auto, always or never", "invalid --color %q", o.Color)
	}
	if o.flags != nil && o.flags.Changed("redact") && o.flags.Changed("no-redact") && o.Redact && o.NoRedact {
		return inputErrorf("pass only one of them: --redact is the default, --no-redact keeps names", "--redact and --no-redact both given")
	}
	return nil
}

// redact reports whether Markdown output hides the user name and home.
func (o *outputOptions) redact() bool {
	return o.Redact && !o.NoRedact
}

// useColor decides whether text output is coloured: --color always or
// never wins; auto colours only a terminal and honours NO_COLOR
// (https://no-color.org: any non-empty value disables colour) and
// TERM=dumb, which terminals without escape sequences set.
func (o *outputOptions) useColor(streams *IO) bool {
	switch o.Color {
	case "always":
		return true
	case "never":
		return false
	}
	if streams.Getenv != nil {
		if streams.Getenv("NO_COLOR") != "" || streams.Getenv("TERM") == "dumb" {
			return false
		}
	}
	return streams.OutIsTerminal
}

// failThreshold returns the minimum severity rank that fails the run; 0
// means never fail on findings.
func failThreshold(failOn string) (int, error) {
	switch failOn {
	case "error":
		return checks.SeverityError.Rank(), nil
	case "warning":
		return checks.SeverityWarning.Rank(), nil
	case "info":
		return checks.SeverityInfo.Rank(), nil
	case "never":
		return 0, nil
	}
	return 0, inputErrorf("pass error, warning, info or never", "invalid --fail-on %q", failOn)
}

// findingsExit returns an *ExitError with code 1 when any finding is at or
// above the --fail-on severity, and nil otherwise.
func (o *outputOptions) findingsExit(findings []checks.Finding) error {
	threshold, err := failThreshold(o.FailOn)
	if err != nil {
		return err
	}
	if threshold == 0 {
		return nil
	}
	for _, f := range findings {
		if f.Severity.Rank() >= threshold {
			return &ExitError{Code: ExitFindings}
		}
	}
	return nil
}

// writeErrorf formats an error about writing output; a closed pipe or a full
// disk is reported once with exit code 2.
func writeErrorf(err error) error {
	return fmt.Errorf("cannot write the report: %w", err)
}
