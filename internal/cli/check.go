package cli

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/socket"
)

func init() {
	subcommands = append(subcommands, newCheckCommand)
}

// checkOptions are the flags of "sockdoctor check".
type checkOptions struct {
	App          string
	Entitlements string
	Vars         []string
	BundleID     string
	TeamID       string
	Socket       string
	Preset       string
	Operation    string
	Home         string
	Distribution string
	NoDial       bool
	Timeout      time.Duration

	output outputOptions
	vars   map[string]string
	// modelledHome is true when the home folder is not the account's own,
	// so it models a Mac's home folder (tests and CI on Linux).
	modelledHome bool
	// homeSet is true when --home was given, even as "".
	homeSet bool
}

func newCheckCommand(streams *IO) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check (--app PATH | --entitlements PATH) (--socket PATH | --preset NAME)",
		Short: "Tell whether the App Sandbox lets an app reach a Unix domain socket, and why",
		Long: `Check one app against one Unix domain socket: would the App Sandbox let the
app connect to (or bind) it? The report names the rule that decides, the
evidence behind it and the supported workaround for the app's distribution
channel, read from the signature or set with --distribution.

The socket path is resolved the way macOS does (/tmp is /private/tmp, symlinks
are followed) and placed relative to the home folder given by --home. A test
connect, which sends nothing, shows whether a server listens. It runs in
sockdoctor's own process, outside the app's sandbox, so "connected" proves the
server is alive, not that the app may connect.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for
a usage error or unreadable input.`,
		Example: `  sockdoctor check --app Build/MyApp.app --socket ~/.docker/run/docker.sock
  sockdoctor check --entitlements MyApp/MyApp.entitlements --bundle-id com.example.MyApp --team-id ABCDE12345 --preset docker
  sockdoctor check --app MyApp.app --socket ~/.ssh/cm-host --operation bind --format markdown`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.homeSet = cmd.Flags().Changed("home")
			if err := opts.validate(streams); err != nil {
				return err
			}
			return runCheck(streams, opts)
		},
	}

	f := cmd.Flags()
	f.StringVar(&opts.App, "app", "", "built .app, .appex or .xpc bundle, or a Mach-O file, whose code signature to read")
	f.StringVar(&opts.Entitlements, "entitlements", "", "entitlements plist to read instead of --app (XML, binary or OpenStep)")
	f.StringArrayVar(&opts.Vars, "var", nil, "substitute the Xcode build setting NAME=VALUE in $(NAME) placeholders (repeatable)")
	f.StringVar(&opts.BundleID, "bundle-id", "", "the app's bundle ID, which names its container (needed with --entitlements)")
	f.StringVar(&opts.TeamID, "team-id", "", "the app's Team ID, compared with app group prefixes (for --entitlements)")
	f.StringVar(&opts.Socket, "socket", "", "path of the Unix domain socket; ~/ is the home folder")
	f.StringVar(&opts.Preset, "preset", "", "check every usual path of a well-known socket instead of --socket: "+strings.Join(socket.PresetNames(), ", "))
	f.StringVar(&opts.Operation, "operation", socket.OperationConnect, "what the app does with the socket: connect or bind")
	f.StringVar(&opts.Home, "home", "", "home folder that holds the containers (default: the current user's)")
	f.StringVar(&opts.Distribution, "distribution", "", "distribution channel for the workarounds: mas, developer-id or development (default: from the signature)")
	f.BoolVar(&opts.NoDial, "no-dial", false, "skip the test connect")
	f.DurationVar(&opts.Timeout, "timeout", socket.DefaultTimeout, "time limit of the test connect, such as 2s or 500ms")
	addOutputFlags(cmd, &opts.output, "text", "json", "markdown", "sarif")

	_ = cmd.RegisterFlagCompletionFunc("preset", cobra.FixedCompletions(socket.PresetNames(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("operation", cobra.FixedCompletions([]string{"connect", "bind"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("distribution", cobra.FixedCompletions([]string{"mas", "developer-id", "development"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags and fills in the home folder.
func (o *checkOptions) validate(streams *IO) error {
	if err := o.output.validate(); err != nil {
		return err
	}

	switch {
	case o.App == "" && o.Entitlements == "":
		return inputErrorf("pass --app Build/MyApp.app, or --entitlements MyApp.entitlements with --bundle-id", "missing app: check needs --app or --entitlements")
	case o.App != "" && o.Entitlements != "":
		return inputErrorf("pass only one of them", "--app and --entitlements both given")
	case o.Socket == "" && o.Preset == "":
		return inputErrorf("pass --socket PATH, or --preset NAME with one of: "+strings.Join(socket.PresetNames(), ", "), "missing socket: check needs --socket or --preset")
	case o.Socket != "" && o.Preset != "":
		return inputErrorf("pass only one of them", "--socket and --preset both given")
	}

	switch o.Operation {
	case socket.OperationConnect, socket.OperationBind:
	default:
		return inputErrorf("pass connect or bind", "invalid --operation %q", o.Operation)
	}
	switch checks.Distribution(o.Distribution) {
	case "", checks.DistributionMAS, checks.DistributionDeveloperID, checks.DistributionDevelopment:
	default:
		return inputErrorf("pass mas, developer-id or development", "invalid --distribution %q", o.Distribution)
	}
	if o.Timeout <= 0 {
		return inputErrorf("pass a positive duration such as 2s", "invalid --timeout %s", o.Timeout)
	}
	if err := validateIdentityFlags(o.BundleID, o.TeamID); err != nil {
		return err
	}

	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	o.vars = vars

	flagHome, err := absoluteHome(o.Home, o.homeSet)
	if err != nil {
		return err
	}
	home, err := homeFolder(flagHome, streams)
	if err != nil {
		return err
	}
	o.Home = home
	o.modelledHome = isModelledHome(home)
	return nil
}

// homeFolder returns the absolute home folder: the --home value, else $HOME,
// else the current user's.
func homeFolder(flag string, streams *IO) (string, error) {
	home := flag
	if home == "" && streams.Getenv != nil {
		home = streams.Getenv("HOME")
	}
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", inputErrorf("pass --home DIR", "cannot find the home folder: %v", err)
		}
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return "", inputErrorf("pass an absolute --home", "invalid --home %q: %v", home, err)
	}

	if flag == "" {
		return abs, nil
	}

	// Only the folder itself must exist: a modelled home may lack Library/.
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		return "", inputErrorf("pass an existing folder with --home, such as /Users/NAME or a copy of one", "invalid --home %q: %v", home, err)
	case !fi.IsDir():
		return "", inputErrorf("pass an existing folder with --home, such as /Users/NAME or a copy of one", "invalid --home %q: not a directory", home)
	}
	return abs, nil
}

// isModelledHome reports whether home differs from the current account's
// home folder in the user database. Such a home models a Mac, so
// paths outside it on this host say nothing about that Mac.
func isModelledHome(home string) bool {
	u, err := user.Current()
	if err != nil || u.HomeDir == "" {
		return true
	}
	return !sameFolder(home, u.HomeDir)
}

// sameFolder reports whether a and b name the same folder after symlinks.
func sameFolder(a, b string) bool {
	if ra, err := filepath.EvalSymlinks(a); err == nil {
		a = ra
	}
	if rb, err := filepath.EvalSymlinks(b); err == nil {
		b = rb
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// runCheck loads the app, inspects each socket path, diagnoses it and
// writes the report.
func runCheck(streams *IO, opts *checkOptions) error {
	target, err := loadCheckTarget(opts)
	if err != nil {
		return err
	}
	dist := checks.Distribution(opts.Distribution)
	if dist == "" {
		dist = checks.Distribution(target.Distribution())
	}

	paths, preset, err := socketPaths(opts, streams)
	if err != nil {
		return err
	}

	static, problems := checks.AppStaticFindings(target, entitlements.LoadOptions{Vars: opts.vars}, checks.StaticOptions{Distribution: dist})
	for _, p := range problems {
		report.Fprintf(streams.Err, "sockdoctor: warning: %v; its static findings are left out\n", p)
	}
	var candidates []report.Candidate
	for _, p := range paths {
		c, err := diagnoseSocket(target, p, preset, dist, static, opts)
		if err != nil {
			return err
		}
		candidates = append(candidates, c)
	}

	chosen := chooseCandidate(candidates)
	r := report.New(Version, report.NewTarget(target, dist), chosen.Socket, checks.Diagnosis{Verdict: chosen.Verdict, Findings: chosen.Findings})
	if preset != nil {
		r.Preset = preset
		r.Candidates = candidates
	}

	if err := writeCheckReport(streams, opts, r); err != nil {
		return err
	}
	return opts.output.findingsExit(r.Findings)
}

// loadCheckTarget reads the app and applies --bundle-id and --team-id.
func loadCheckTarget(opts *checkOptions) (*entitlements.Target, error) {
	path := opts.App
	if path == "" {
		path = opts.Entitlements
	}
	target, err := entitlements.Load(path, entitlements.LoadOptions{Vars: opts.vars})
	if err != nil {
		var loadErr *entitlements.LoadError
		if errors.As(err, &loadErr) {
			return nil, &InputError{Err: err, Hint: loadErr.Hint}
		}
		return nil, &InputError{Err: err, Hint: "check the path given to --app or --entitlements"}
	}
	if opts.BundleID != "" {
		target.BundleID = opts.BundleID
	} else if err := validateLoadedBundleID(target.BundleID, path); err != nil {
		return nil, err
	}
	if opts.TeamID != "" {
		target.TeamID = opts.TeamID
	}
	return target, nil
}

// socketPaths returns the paths to check: the --socket value, or every
// candidate of the --preset.
func socketPaths(opts *checkOptions, streams *IO) ([]string, *socket.Preset, error) {
	if opts.Preset == "" {
		return []string{opts.Socket}, nil, nil
	}
	preset, ok := socket.LookupPreset(opts.Preset, opts.Home, streams.Getenv)
	if !ok {
		return nil, nil, inputErrorf("pass one of: "+strings.Join(socket.PresetNames(), ", "), "unknown --preset %q", opts.Preset)
	}
	if len(preset.Candidates) == 0 {
		return nil, nil, inputErrorf("pass the socket path with --socket", "preset %q has no path to check: %s", preset.Name, preset.Note)
	}
	return preset.Candidates, &preset, nil
}

// diagnoseSocket inspects one socket path and diagnoses it for the app,
// adding the app's static findings. preset is nil for --socket.
//
// A preset's candidates outside a modelled home folder are modelled rather
// than read, because on this host they belong to another machine: CI with
// Docker running would otherwise dial the real daemon. A path given with
// --socket is read, since the user named it, unless it is a documented
// symlink such as /var/run/docker.sock: socket.Inspect models that one on
// every host but a Mac, and here also on a Mac when the home is modelled.
func diagnoseSocket(target *entitlements.Target, path string, preset *socket.Preset, dist checks.Distribution, static []checks.Finding, opts *checkOptions) (report.Candidate, error) {
	view := target.Entitlements.View()
	info, err := socket.Inspect(path, socket.Options{
		Home:             opts.Home,
		BundleID:         target.BundleID,
		Groups:           view.AppGroups,
		TeamID:           target.TeamID,
		Operation:        opts.Operation,
		Dial:             !opts.NoDial,
		Timeout:          opts.Timeout,
		ModelOutsideHome: opts.modelledHome && (preset != nil || socket.IsDocumentedLink(path) || givenInsideHome(path, opts.Home)),
	})
	if err != nil {
		return report.Candidate{}, inputErrorf("pass the path of a Unix domain socket with --socket", "invalid --socket: %v", err)
	}

	var assumed []string
	if target.BundleID == "" {
		assumed = append(assumed, "the app's bundle ID is unknown, so no container counts as its own; pass --bundle-id")
	}
	if preset != nil {
		if name, ok := preset.Environment[path]; ok {
			assumed = append(assumed, fmt.Sprintf("the path comes from $%s in sockdoctor's environment, which may differ from the app's Mac", name))
		}
	}
	d := checks.Diagnose(checks.Input{
		Target:       target,
		Socket:       info,
		Operation:    opts.Operation,
		Distribution: dist,
		Assumed:      assumed,
		Home:         opts.Home,
		ModelledHome: opts.modelledHome,
	})

	findings := append(d.Findings, withoutRules(static, d.Findings)...)
	checks.SortFindings(findings)
	return report.Candidate{Socket: info, Verdict: d.Verdict, Findings: findings}, nil
}

// withoutRules returns the static findings whose rule the diagnosis did not
// raise. A rule such as sbpl-exception can come from both, and the
// diagnosis's finding is the one about this socket.
func withoutRules(static, diagnosed []checks.Finding) []checks.Finding {
	raised := map[string]bool{}
	for _, f := range diagnosed {
		raised[f.Rule] = true
	}
	var kept []checks.Finding
	for _, f := range static {
		if !raised[f.Rule] {
			kept = append(kept, f)
		}
	}
	return kept
}

// givenInsideHome reports whether a --socket path, with "~/" expanded,
// lies inside home. Such a path is read, but a symlink that leads it out of
// a modelled home is not followed to the host's files and sockets.
func givenInsideHome(path, home string) bool {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		path = filepath.Join(home, rest)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	return socket.Within(socket.MacOSPath(abs), socket.MacOSPath(home))
}

// chooseCandidate returns the candidate the report is about, ranked by
// socket.ChooseCandidate.
func chooseCandidate(candidates []report.Candidate) report.Candidate {
	infos := make([]*socket.Info, len(candidates))
	for i, c := range candidates {
		infos[i] = c.Socket
	}
	index, _ := socket.ChooseCandidate(infos)
	return candidates[index]
}

// writeCheckReport writes r in the --format the user chose.
func writeCheckReport(streams *IO, opts *checkOptions, r *report.Report) error {
	var err error
	switch opts.output.Format {
	case "json":
		err = report.WriteJSON(streams.Out, r)
	case "markdown":
		err = writeCheckMarkdown(streams, opts, r)
	case "sarif":
		err = writeCheckSARIF(streams, opts, r)
	default:
		err = report.WriteText(streams.Out, r, report.TextOptions{Color: opts.output.useColor(streams)})
	}
	if err != nil {
		return writeErrorf(err)
	}
	return nil
}

// writeCheckMarkdown writes the Markdown report. Redaction covers the
// --home folder, $HOME, the account's home folder and any /Users/NAME path,
// because with a modelled home the app or socket may lie under another one.
func writeCheckMarkdown(streams *IO, opts *checkOptions, r *report.Report) error {
	// The writer redacts each value before escaping it, so an escaped
	// home folder cannot slip past redaction and "~" is escaped in text.
	return report.WriteMarkdown(streams.Out, r, report.MarkdownOptions{
		Redact: opts.output.redact(),
		Homes:  homesToRedact(streams, opts.Home),
		User:   currentUserName(streams),
	})
}

// homesToRedact returns the home folders a report must hide: the one in
// use, $HOME and the account's own, each also with symlinks resolved.
func homesToRedact(streams *IO, home string) []string {
	candidates := []string{home}
	if streams.Getenv != nil {
		candidates = append(candidates, streams.Getenv("HOME"))
	}
	if u, err := user.Current(); err == nil {
		candidates = append(candidates, u.HomeDir)
	}

	var homes []string
	for _, h := range candidates {
		if h == "" || !filepath.IsAbs(h) {
			continue
		}
		homes = append(homes, filepath.Clean(h))
		homes = append(homes, homeLinkTargets(h)...)
		if resolved, err := filepath.EvalSymlinks(h); err == nil {
			homes = append(homes, resolved)
		}
	}
	return homes
}

// homeLinkTargets returns each folder a symlinked home passes through on
// the way to the real one, as the report's symlink lines show them, so no
// middle link of a chain names the home folder either.
func homeLinkTargets(home string) []string {
	var targets []string
	current := filepath.Clean(home)
	for range socket.MaxSymlinkHops {
		target, err := os.Readlink(current)
		if err != nil {
			return targets
		}
		if !filepath.IsAbs(target) {
			// Keep the link's own spelling ("sub/./real"), as the symlink
			// lines print it. report.Redact also replaces its cleaned form.
			target = filepath.Dir(current) + "/" + target
		}
		targets = append(targets, target)
		current = filepath.Clean(target)
	}
	return targets
}

// currentUserName returns the login name to redact: $USER, else the
// account's name.
func currentUserName(streams *IO) string {
	if streams.Getenv != nil {
		if name := streams.Getenv("USER"); name != "" {
			return name
		}
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// writeCheckSARIF writes the findings as SARIF results located at the
// --app or --entitlements path.
func writeCheckSARIF(streams *IO, opts *checkOptions, r *report.Report) error {
	uri := repositoryURI(opts.App + opts.Entitlements)
	var results []report.SARIFResult
	seen := map[string]bool{}
	var rules []*checks.Rule
	for _, f := range r.Findings {
		if rule, ok := checks.Lookup(f.Rule); ok && !seen[f.Rule] {
			seen[f.Rule] = true
			rules = append(rules, rule)
		}
		results = append(results, report.SARIFResult{
			Finding:   f,
			Locations: []report.SARIFLocation{{URI: uri}},
			Identity:  fmt.Sprintf("%s %s", r.Socket.Path, f.Message),
		})
	}
	tool := report.SARIFTool{Name: "sockdoctor", Version: Version, InformationURI: "https://github.com/sockdoctor/sockdoctor"}
	return report.WriteSARIF(streams.Out, tool, rules, results)
}
