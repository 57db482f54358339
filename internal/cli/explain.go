package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/sandboxlog"
	"github.com/sockdoctor/sockdoctor/sandboxlog/explain"
)

func init() {
	subcommands = append(subcommands, newExplainCommand)
}

// explainOptions are the flags and arguments of "sockdoctor explain".
type explainOptions struct {
	App          string
	Entitlements string
	Vars         []string
	BundleID     string
	TeamID       string
	Home         string
	Distribution string
	Follow       bool

	output outputOptions
	vars   map[string]string
	// homeSet is true when --home was given, even as "".
	homeSet bool

	// The input: a file, standard input ("-"), or log lines given as
	// arguments. stdinByDefault is true when no argument named the input.
	file           string
	lines          []string
	stdinByDefault bool
}

func newExplainCommand(streams *IO) *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain [FILE | - | LINE...]",
		Short: "Diagnose sandbox denial lines from log show, log stream or Console",
		Long: `Read sandbox denials and diagnose each one. The input is a file, standard input
(no argument or "-"), or log lines given as arguments. explain reads kernel
lines ("Sandbox: curl(22299) deny(1) network-outbound /path"), the compact,
default, ndjson and json styles of log show and log stream, old system.log
lines of sandboxd, Console violation reports, and client messages that report
an errno for a socket path (dnssd, MySQL, Go's dial unix).

Each network-outbound or network-bind denial of a Unix socket path goes
through the rules of "sockdoctor check", with --app or --entitlements when
given; without them the report lists what it assumed. Denials of IP endpoints
name the network entitlement they need; other operations get a one-line
meaning. Identical denials are counted once, with the first and last time.

With --follow, explain keeps reading standard input and prints each new
denial as soon as it is read, until the input ends or it gets SIGINT.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for
a usage error or unreadable input.`,
		Example: `  log show --last 5m --style compact --predicate 'sender == "Sandbox"' | sockdoctor explain
  log stream --style compact --predicate 'sender == "Sandbox"' | sockdoctor explain --follow
  sockdoctor explain --app Build/MyApp.app denials.txt
  sockdoctor explain 'Sandbox: curl(22299) deny(1) network-outbound /Users/me/.docker/run/docker.sock'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.homeSet = cmd.Flags().Changed("home")
			if err := opts.validate(args, streams); err != nil {
				return err
			}
			return runExplain(cmd.Context(), streams, opts)
		},
	}

	f := cmd.Flags()
	f.StringVar(&opts.App, "app", "", "built .app, .appex or .xpc bundle, or a Mach-O file, whose code signature to read")
	f.StringVar(&opts.Entitlements, "entitlements", "", "entitlements plist to read instead of --app (XML, binary or OpenStep)")
	f.StringArrayVar(&opts.Vars, "var", nil, "substitute the Xcode build setting NAME=VALUE in $(NAME) placeholders (repeatable)")
	f.StringVar(&opts.BundleID, "bundle-id", "", "the app's bundle ID, which names its container (needed with --entitlements)")
	f.StringVar(&opts.TeamID, "team-id", "", "the app's Team ID, compared with app group prefixes (for --entitlements)")
	f.StringVar(&opts.Home, "home", "", "home folder that holds the containers (default: taken from each logged /Users/NAME path, else a placeholder shown as ~)")
	f.StringVar(&opts.Distribution, "distribution", "", "distribution channel for the workarounds: mas, developer-id or development (default: from the signature)")
	f.BoolVar(&opts.Follow, "follow", false, "keep reading standard input, such as log stream output, and print each new denial as it is read")
	addOutputFlags(cmd, &opts.output, "text", "json", "markdown", "sarif")

	_ = cmd.RegisterFlagCompletionFunc("distribution", cobra.FixedCompletions([]string{"mas", "developer-id", "development"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags and sorts the arguments into a file or lines.
func (o *explainOptions) validate(args []string, streams *IO) error {
	if err := o.output.validate(); err != nil {
		return err
	}
	if o.App != "" && o.Entitlements != "" {
		return inputErrorf("pass only one of them", "--app and --entitlements both given")
	}
	switch checks.Distribution(o.Distribution) {
	case "", checks.DistributionMAS, checks.DistributionDeveloperID, checks.DistributionDevelopment:
	default:
		return inputErrorf("pass mas, developer-id or development", "invalid --distribution %q", o.Distribution)
	}
	if err := validateIdentityFlags(o.BundleID, o.TeamID); err != nil {
		return err
	}
	home, err := absoluteHome(o.Home, o.homeSet)
	if err != nil {
		return err
	}
	if home != "" {
		// The same check as check's --home: the folder must exist.
		if home, err = homeFolder(home, streams); err != nil {
			return err
		}
	}
	o.Home = home

	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	o.vars = vars

	if err := o.sortArgs(args); err != nil {
		return err
	}
	if o.Follow {
		if o.file != "-" {
			return inputErrorf("pipe the log into explain, such as: log stream --style compact --predicate 'sender == \"Sandbox\"' | sockdoctor explain --follow",
				"--follow reads standard input only")
		}
		if o.output.Format == "sarif" {
			return inputErrorf("pass --format text, json or markdown with --follow", "--format sarif cannot stream: a SARIF log is one JSON document")
		}
	}
	return nil
}

// sortArgs decides what the arguments are: nothing or "-" is standard
// input, one existing file is read, and anything else is log lines. A
// single word that names no file is a mistyped file name, not a log line.
func (o *explainOptions) sortArgs(args []string) error {
	switch {
	case len(args) == 0:
		o.file = "-"
		o.stdinByDefault = true
		return nil
	case len(args) == 1 && args[0] == "-":
		o.file = "-"
		return nil
	}

	for _, arg := range args {
		if _, err := os.Stat(arg); err == nil {
			if len(args) > 1 {
				return inputErrorf("pass one file, or log lines as arguments", "%q is a file, and explain reads one file at a time", arg)
			}
			o.file = arg
			return nil
		}
	}
	if len(args) == 1 && !strings.ContainsAny(args[0], " \t") {
		return inputErrorf("pass an existing file, \"-\" for standard input, or a whole log line in quotes",
			"cannot read %q: no such file", args[0])
	}
	o.lines = args
	return nil
}

// runExplain reads the input, diagnoses each distinct denial and writes the
// report.
func runExplain(ctx context.Context, streams *IO, opts *explainOptions) error {
	target, err := loadExplainTarget(opts)
	if err != nil {
		return err
	}
	dist := checks.Distribution(opts.Distribution)
	if dist == "" && target != nil {
		dist = checks.Distribution(target.Distribution())
	}
	if dist == "" {
		dist = checks.DistributionUnknown
	}

	input, name, err := opts.open(streams)
	if err != nil {
		return err
	}
	defer input.Close()

	run := &explainRun{
		streams: streams,
		opts:    opts,
		explain: explain.Options{Target: target, Distribution: dist, Home: opts.Home},
		scanner: sandboxlog.NewScanner(input, sandboxlog.Options{Eager: opts.Follow}),
		input:   name,
	}
	if target != nil {
		run.target = report.NewTarget(target, dist)
	}
	if opts.Follow {
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		return run.follow(ctx)
	}
	return run.all()
}

// loadExplainTarget reads --app or --entitlements, or returns nil without
// them.
func loadExplainTarget(opts *explainOptions) (*entitlements.Target, error) {
	if opts.App == "" && opts.Entitlements == "" {
		if opts.BundleID != "" || opts.TeamID != "" {
			return nil, inputErrorf("pass --entitlements with them", "--bundle-id and --team-id need --app or --entitlements")
		}
		return nil, nil
	}
	// check reads the app the same way.
	return loadCheckTarget(&checkOptions{
		App:          opts.App,
		Entitlements: opts.Entitlements,
		BundleID:     opts.BundleID,
		TeamID:       opts.TeamID,
		vars:         opts.vars,
	})
}

// open returns the input and its name for messages.
func (o *explainOptions) open(streams *IO) (io.ReadCloser, string, error) {
	switch {
	case o.lines != nil:
		return io.NopCloser(strings.NewReader(strings.Join(o.lines, "\n"))), "the arguments", nil
	case o.file == "-":
		if o.stdinByDefault && streams.InIsTerminal {
			// Without this line explain would wait silently for typed input.
			fmt.Fprintln(streams.Err, "sockdoctor: reading log lines from standard input (end with Ctrl-D)")
		}
		return io.NopCloser(streams.In), "standard input", nil
	}
	f, err := os.Open(o.file)
	if err != nil {
		return nil, "", inputErrorf("pass a readable log file, or \"-\" for standard input", "cannot read %q: %v", o.file, errors.Unwrap(err))
	}
	return f, fmt.Sprintf("%q", o.file), nil
}

// userHome returns the current user's home folder, or "" when it is
// unknown.
func userHome(streams *IO) string {
	home, err := homeFolder("", streams)
	if err != nil {
		return ""
	}
	return home
}

// explainRun is one run of explain: the scanner over the input and the
// collector of diagnoses.
type explainRun struct {
	streams *IO
	opts    *explainOptions
	explain explain.Options
	scanner *sandboxlog.Scanner
	input   string
	target  *report.Target

	// localUserHomes caches localUsers.
	localUserHomes []report.UserHome
}

// all reads the whole input, then writes the report.
func (r *explainRun) all() error {
	collector := explain.NewCollector(r.explain)
	for r.scanner.Scan() {
		collector.Add(r.scanner.Event())
	}
	if err := r.scanner.Err(); err != nil {
		return inputErrorf("check the input", "cannot read %s: %v", r.input, err)
	}

	rep := report.NewExplainReport(Version, r.target, collector.Denials(), r.stats())
	if err := r.write(rep); err != nil {
		return writeErrorf(err)
	}
	return r.opts.output.findingsExit(rep.Findings())
}

// write writes rep in the --format the user chose.
func (r *explainRun) write(rep *report.ExplainReport) error {
	out := r.streams.Out
	switch r.opts.output.Format {
	case "json":
		return report.WriteExplainJSON(out, rep)
	case "markdown":
		return report.WriteExplainMarkdown(out, rep, r.markdownOptions(rep.Denials...))
	case "sarif":
		return r.writeSARIF(rep)
	}
	return report.WriteExplainText(out, rep, report.TextOptions{Color: r.opts.output.useColor(r.streams)})
}

// writeSARIF writes the findings as SARIF results without locations,
// because a log line is no place in the repository.
func (r *explainRun) writeSARIF(rep *report.ExplainReport) error {
	var rules []*checks.Rule
	seen := map[string]bool{}
	for _, f := range rep.Findings() {
		if rule, ok := checks.Lookup(f.Rule); ok && !seen[f.Rule] {
			seen[f.Rule] = true
			rules = append(rules, rule)
		}
	}
	tool := report.SARIFTool{Name: "sockdoctor", Version: Version, InformationURI: "https://github.com/sockdoctor/sockdoctor"}
	return report.WriteSARIF(r.streams.Out, tool, rules, report.ExplainSARIFResults(rep))
}

// follow prints each new denial as soon as it is read, until the input
// ends or ctx is cancelled by SIGINT, then prints the summary.
func (r *explainRun) follow(ctx context.Context) error {
	// The scanner runs in its own goroutine, which alone touches it; each
	// event carries the counts as of that event.
	type scanned struct {
		event sandboxlog.Event
		stats report.LogStats
		err   error
	}
	events := make(chan scanned)
	done := make(chan scanned, 1)
	go func() {
		for r.scanner.Scan() {
			select {
			case events <- scanned{event: r.scanner.Event(), stats: r.stats()}:
			case <-ctx.Done():
				return
			}
		}
		done <- scanned{stats: r.stats(), err: r.scanner.Err()}
	}()

	collector := explain.NewCollector(r.explain)
	if err := r.writeFollowHeader(); err != nil {
		return writeErrorf(err)
	}
	var (
		stats   report.LogStats
		readErr error
	)
loop:
	for {
		select {
		case s := <-events:
			stats = s.stats
			d, isNew := collector.Add(s.event)
			if !isNew {
				continue
			}
			if err := r.writeFollowDenial(len(collector.Denials()), &d); err != nil {
				return writeErrorf(err)
			}
		case s := <-done:
			stats, readErr = s.stats, s.err
			break loop
		case <-ctx.Done():
			// The reading goroutine may stay blocked on standard input; the
			// process exits right after.
			break loop
		}
	}

	// After SIGINT the counts are those of the last event read.
	denials := collector.Denials()
	summary := report.InputSummary(len(denials), stats)
	if r.opts.output.Format == "text" {
		fmt.Fprintln(r.streams.Out, summary)
	} else {
		fmt.Fprintf(r.streams.Err, "sockdoctor: %s\n", summary)
	}
	if readErr != nil {
		return inputErrorf("check the input", "cannot read %s: %v", r.input, readErr)
	}
	return r.opts.output.findingsExit(report.NewExplainReport(Version, r.target, denials, report.LogStats{}).Findings())
}

// writeFollowHeader writes what precedes the first denial: the app for
// text and Markdown.
func (r *explainRun) writeFollowHeader() error {
	if r.target == nil {
		return nil
	}
	rep := report.NewExplainReport(Version, r.target, nil, report.LogStats{})
	switch r.opts.output.Format {
	case "text":
		return report.WriteTargetText(r.streams.Out, rep.Target, report.TextOptions{Color: r.opts.output.useColor(r.streams)})
	case "markdown":
		return report.WriteTargetMarkdown(r.streams.Out, rep.Target, r.markdownOptions())
	}
	return nil
}

// writeFollowDenial writes one new denial, numbered n, in the --format.
func (r *explainRun) writeFollowDenial(n int, d *report.Denial) error {
	out := r.streams.Out
	switch r.opts.output.Format {
	case "json":
		return report.WriteDenialJSON(out, d)
	case "markdown":
		return report.WriteDenialMarkdown(out, n, d, r.markdownOptions(*d))
	}
	return report.WriteDenialText(out, n, d, report.TextOptions{Color: r.opts.output.useColor(r.streams)})
}

// markdownOptions returns the redaction of Markdown output: the home
// folders and user names in the denials' paths, the --home folder and the
// current user's.
func (r *explainRun) markdownOptions(denials ...report.Denial) report.ExplainMarkdownOptions {
	opts := report.ExplainMarkdownOptions{Redact: r.opts.output.redact()}
	if !opts.Redact {
		return opts
	}
	for _, d := range denials {
		for _, path := range []string{d.Target, d.ExecutablePath, d.Responsible} {
			if home, user, ok := explain.HomeFromPath(path); ok {
				opts.Users = append(opts.Users, report.UserHome{Home: home, User: user})
			}
		}
	}
	opts.Users = append(opts.Users, r.localUsers()...)
	return opts
}

// localUsers returns the home folders and the user name of this machine
// that Markdown output hides. They are looked up once per run, because
// --follow writes Markdown for each denial and the lookup reads symlinks.
func (r *explainRun) localUsers() []report.UserHome {
	if r.localUserHomes != nil {
		return r.localUserHomes
	}
	// The same folders check hides: --home, $HOME and the account's home,
	// each also with symlinks resolved.
	for _, home := range homesToRedact(r.streams, r.opts.Home) {
		r.localUserHomes = append(r.localUserHomes, report.UserHome{Home: home})
	}
	r.localUserHomes = append(r.localUserHomes, report.UserHome{Home: userHome(r.streams), User: currentUserName(r.streams)})
	return r.localUserHomes
}

// stats converts the scanner's counts.
func (r *explainRun) stats() report.LogStats {
	s := r.scanner.Stats()
	return report.LogStats{Lines: s.Lines, Events: s.Events, Other: s.Other, Unknown: s.Unknown, Oversized: s.Oversized}
}
