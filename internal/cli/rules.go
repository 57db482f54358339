package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sockdoctor/sockdoctor/checks"
)

func init() {
	subcommands = append(subcommands, newRulesCommand)
}

func newRulesCommand(streams *IO) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the rule catalog, or print one rule's documentation",
		Long: `Without an argument, list every rule sockdoctor can report with its severity
and title. With a rule ID, print that rule's documentation: what it means, why
macOS behaves so, the evidence sockdoctor uses, the workaround for each
distribution channel, and the sources.`,
		Example: `  sockdoctor rules
  sockdoctor rules outside-sandbox-reach
  sockdoctor rules --format json`,
		Args: maximumArgs(1, "one rule ID, or none for the list"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return inputErrorf("pass text or json", "invalid --format %q", format)
			}
			if len(args) == 0 {
				return writeErr(writeCatalog(streams.Out, checks.Catalog(), format))
			}
			rule, ok := checks.Lookup(args[0])
			if !ok {
				return inputErrorf(`run "sockdoctor rules" for the list of rule IDs`, "unknown rule %q", args[0])
			}
			return writeErr(writeRule(streams.Out, rule, format))
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var ids []string
			for _, r := range checks.Catalog() {
				ids = append(ids, r.ID)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func writeErr(err error) error {
	if err != nil {
		return writeErrorf(err)
	}
	return nil
}

// ruleJSON is the JSON form of a rule; workarounds are keyed by channel,
// with "all" for the advice that applies to every channel.
type ruleJSON struct {
	ID          string              `json:"id"`
	Severity    checks.Severity     `json:"severity"`
	Title       string              `json:"title"`
	Summary     string              `json:"summary"`
	Doc         string              `json:"doc,omitempty"`
	Workarounds map[string][]string `json:"workarounds,omitempty"`
	References  []string            `json:"references"`
}

func newRuleJSON(r *checks.Rule, withDoc bool) ruleJSON {
	out := ruleJSON{ID: r.ID, Severity: r.Severity, Title: r.Title, Summary: r.Summary, References: r.References}
	if out.References == nil {
		out.References = []string{}
	}
	if withDoc {
		out.Doc = r.Doc
		out.Workarounds = map[string][]string{}
		for dist, lines := range r.Workarounds {
			key := string(dist)
			if dist == checks.DistributionUnknown {
				key = "all"
			}
			out.Workarounds[key] = lines
		}
	}
	return out
}

func writeCatalog(w io.Writer, rules []*checks.Rule, format string) error {
	if format == "json" {
		list := make([]ruleJSON, len(rules))
		for i, r := range rules {
			list[i] = newRuleJSON(r, false)
		}
		return writeIndentedJSON(w, list)
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nRun \"sockdoctor rules ID\" for a rule's documentation.")
	return err
}

// channelOrder lists the channels in the order the documentation shows
// their workarounds.
var channelOrder = []struct {
	dist  checks.Distribution
	label string
}{
	{checks.DistributionMAS, "Mac App Store"},
	{checks.DistributionDeveloperID, "Developer ID"},
	{checks.DistributionDevelopment, "Development"},
	{checks.DistributionUnknown, "Every channel"},
}

func writeRule(w io.Writer, r *checks.Rule, format string) error {
	if format == "json" {
		return writeIndentedJSON(w, newRuleJSON(r, true))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n%s\n\n%s\n\n%s\n", r.ID, r.Severity, r.Title, r.Summary, strings.TrimSpace(r.Doc))
	if len(r.Workarounds) > 0 {
		b.WriteString("\nWorkarounds:\n")
		for _, ch := range channelOrder {
			lines := r.Workarounds[ch.dist]
			if len(lines) == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %s:\n", ch.label)
			for _, line := range lines {
				fmt.Fprintf(&b, "    - %s\n", line)
			}
		}
	}
	if len(r.References) > 0 {
		b.WriteString("\nSources:\n")
		for _, ref := range r.References {
			fmt.Fprintf(&b, "  - %s\n", ref)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
