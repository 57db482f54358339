package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fatih/color"
	"github.com/spf13/cobra"

	"github.com/sockdoctor/sockdoctor/bundle"
	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/socket"
)

func init() {
	subcommands = append(subcommands, newLintCommand)
}

// disableFileSuffix names the suppression file that sits next to a linted
// file or bundle: App.entitlements.sockdoctor-disable lists the rule IDs
// that are not reported for App.entitlements. Entitlements files take no
// comments or extra keys, so suppressions live beside them.
const disableFileSuffix = ".sockdoctor-disable"

// lintOptions are the flags of "sockdoctor lint".
type lintOptions struct {
	output         outputOptions
	Paths          []string
	Distribution   string
	TeamID         string
	Vars           []string
	Disable        []string
	SourceMaps     []string
	UserNameLength int
	SocketName     string
}

func newLintCommand(streams *IO) *cobra.Command {
	opts := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Check entitlements files and built bundles for sandbox and App Review problems",
		Long: `Run every static rule that needs no live socket over entitlements sources
(.entitlements, .plist, .xcent) and built bundles with all their nested code:
XPC services, app extensions, login items, launchd services, helpers, extra
executables and the code inside frameworks.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for
a usage error or an unreadable input (the report is still written first).
Text output prints nothing when there are no findings.

To suppress a rule for one input without touching it, list rule IDs one per
line in a file named after the input plus ".sockdoctor-disable", next to it
(App.entitlements.sockdoctor-disable); a # starts a comment, on its own line
or after the ID.`,
		Example: `  sockdoctor lint MyApp/MyApp.entitlements
  sockdoctor lint --format sarif --var TeamIdentifierPrefix=ABCDE12345. MyApp/*.entitlements > lint.sarif
  sockdoctor lint --distribution mas --source-map MyApp/MyApp.entitlements=build/MyApp.app build/MyApp.app`,
		Args: minimumArgs(1, "one or more .entitlements, .plist or .xcent files, folders of them, or built bundles"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			config, err := opts.validate()
			if err != nil {
				return err
			}
			return runLint(streams, opts, config)
		},
	}
	addOutputFlags(cmd, &opts.output, "text", "json", "sarif")
	f := cmd.Flags()
	// lint writes no Markdown, so the redaction flags do nothing here. They
	// stay accepted, hidden from the help, so scripts that pass them to
	// every command keep working.
	_ = f.MarkHidden("redact")
	_ = f.MarkHidden("no-redact")
	f.StringVar(&opts.Distribution, "distribution", "", "judge as this channel: mas, developer-id or development (default: from the signing certificate; unknown for source files)")
	f.StringVar(&opts.TeamID, "team-id", "", "signing Team ID that entitlements source files are checked against, e.g. ABCDE12345")
	f.StringArrayVar(&opts.Vars, "var", nil, "substitute the Xcode build setting NAME=VALUE in $(NAME) placeholders (repeatable)")
	f.StringArrayVar(&opts.Disable, "disable", nil, "do not report this rule ID (repeatable)")
	f.StringArrayVar(&opts.SourceMaps, "source-map", nil, "ENTITLEMENTS_FILE=BUNDLE_PATH: report findings about the code at BUNDLE_PATH on the lines of ENTITLEMENTS_FILE (repeatable)")
	f.IntVar(&opts.UserNameLength, "user-name-length", checks.DefaultUserNameLength, "user name length in bytes that group-path-budget keeps room for")
	f.StringVar(&opts.SocketName, "socket-name", checks.DefaultSocketName, "socket file name that group-path-budget keeps room for")
	_ = cmd.RegisterFlagCompletionFunc("distribution", cobra.FixedCompletions([]string{"mas", "developer-id", "development"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("disable", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		for _, r := range checks.Catalog() {
			ids = append(ids, r.ID)
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// lintConfig is the validated form of the flags.
type lintConfig struct {
	vars       map[string]string
	disabled   map[string]bool
	sourceMaps map[string]string // absolute bundle path -> entitlements file
	static     checks.StaticOptions
}

func (o *lintOptions) validate() (*lintConfig, error) {
	if err := o.output.validate(); err != nil {
		return nil, err
	}
	config := &lintConfig{disabled: map[string]bool{}, sourceMaps: map[string]string{}}

	switch o.Distribution {
	case "", "mas", "developer-id", "development":
	default:
		return nil, inputErrorf("pass mas, developer-id or development", "invalid --distribution %q", o.Distribution)
	}
	if o.TeamID != "" && !checks.ValidTeamID(o.TeamID) {
		return nil, inputErrorf(checks.TeamIDHint, "invalid --team-id %q: not a Team ID", o.TeamID)
	}
	if o.UserNameLength < 1 || o.UserNameLength > 255 {
		return nil, inputErrorf("pass a length in bytes between 1 and 255", "invalid --user-name-length %d", o.UserNameLength)
	}
	if o.SocketName == "" || strings.Contains(o.SocketName, "/") {
		return nil, inputErrorf("pass a file name without slashes, e.g. ipc.sock", "invalid --socket-name %q", o.SocketName)
	}
	if len(o.SocketName) > socket.SunPathSize-1 {
		return nil, inputErrorf(fmt.Sprintf("pass a name of at most %d bytes, e.g. ipc.sock", socket.SunPathSize-1),
			"invalid --socket-name %q: %d bytes, more than a socket path can hold", o.SocketName, len(o.SocketName))
	}

	vars, err := parseVars(o.Vars)
	if err != nil {
		return nil, err
	}
	config.vars = vars

	for _, id := range o.Disable {
		if err := checkRuleID(id); err != nil {
			return nil, inputErrorf(err.Error(), "invalid --disable %q", id)
		}
		config.disabled[id] = true
	}

	for _, m := range o.SourceMaps {
		source, target, ok := strings.Cut(m, "=")
		if !ok || source == "" || target == "" {
			return nil, inputErrorf("pass --source-map ENTITLEMENTS_FILE=BUNDLE_PATH, e.g. MyApp/MyApp.entitlements=build/MyApp.app",
				"invalid --source-map %q: expected ENTITLEMENTS_FILE=BUNDLE_PATH", m)
		}
		if err := checkSourceMapPaths(m, source, target); err != nil {
			return nil, err
		}
		config.sourceMaps[absolutePath(target)] = source
	}

	config.static = checks.StaticOptions{
		Distribution:   checks.Distribution(o.Distribution),
		UserNameLength: o.UserNameLength,
		SocketName:     o.SocketName,
	}
	return config, nil
}

// absolutePath returns path made absolute and clean, so source maps match
// however the bundle path was spelled; it falls back to the clean path.
func absolutePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	return abs
}

// checkSourceMapPaths rejects a --source-map whose entitlements file or
// bundle does not exist, which would otherwise map nothing and pass.
func checkSourceMapPaths(sourceMap, source, target string) error {
	const hint = "pass an existing entitlements file and bundle path, e.g. MyApp/MyApp.entitlements=build/MyApp.app"
	for _, path := range []string{source, target} {
		if _, err := os.Stat(path); err != nil {
			return inputErrorf(hint, "invalid --source-map %q: %q: %v", sourceMap, path, errors.Unwrap(err))
		}
	}
	if info, _ := os.Stat(source); !info.Mode().IsRegular() {
		return inputErrorf(hint, "invalid --source-map %q: %q is not a regular file", sourceMap, source)
	}
	return nil
}

// checkRuleID returns an error naming the command that lists the catalog
// when id is not a rule ID.
func checkRuleID(id string) error {
	if _, ok := checks.Lookup(id); ok {
		return nil
	}
	return fmt.Errorf("unknown rule ID; run \"sockdoctor rules\" for the list")
}

// lintInput is one linted path and what came out of it.
type lintInput struct {
	Path         string
	Kind         string
	Distribution checks.Distribution
	Results      []checks.StaticFinding
	// locate maps a finding to the place it points at.
	locate func(checks.StaticFinding) lintLocation
}

// lintLocation is the place a finding points at: a file and, for XML
// plists, the line of the key.
type lintLocation struct {
	File string
	Line int
}

// lintProblem is an input, or a file inside a bundle, that could not be read
// or is invalid.
type lintProblem struct {
	Path string
	Err  error
	Hint string
	// Invalid is true when the file was read but its content is invalid,
	// such as a suppression file that names an unknown rule ID.
	Invalid bool
}

func runLint(streams *IO, opts *lintOptions, config *lintConfig) error {
	var (
		inputs   []lintInput
		problems []lintProblem
	)
	for _, path := range opts.Paths {
		pathInputs, pathProblems := lintPath(path, opts, config)
		inputs = append(inputs, pathInputs...)
		problems = append(problems, pathProblems...)
	}

	var err error
	switch opts.output.Format {
	case "json":
		err = writeLintJSON(streams.Out, inputs, problems)
	case "sarif":
		err = writeLintSARIF(streams.Out, inputs)
	default:
		err = writeLintText(streams.Out, inputs, opts.output.useColor(streams))
	}
	if err != nil {
		return writeErrorf(err)
	}

	for _, p := range problems {
		if p.Invalid {
			report.Fprintf(streams.Err, "sockdoctor: error: invalid %q: %v\n", p.Path, p.Err)
		} else {
			report.Fprintf(streams.Err, "sockdoctor: error: cannot read %q: %v\n", p.Path, p.Err)
		}
		if p.Hint != "" {
			report.Fprintf(streams.Err, "sockdoctor: hint: %s\n", p.Hint)
		}
	}

	var all []checks.Finding
	for _, in := range inputs {
		all = append(all, checks.Findings(in.Results)...)
	}
	if len(problems) > 0 {
		return &ExitError{Code: ExitUsage}
	}
	return opts.output.findingsExit(all)
}

// lintPath lints one command-line path: a bundle folder, a Mach-O file, an
// entitlements property list, or a folder of entitlements sources.
func lintPath(path string, opts *lintOptions, config *lintConfig) ([]lintInput, []lintProblem) {
	if info, err := os.Stat(path); err == nil && info.IsDir() && !bundle.IsBundle(path) {
		return lintSourceFolder(path, opts, config)
	}
	input, problems := lintOne(path, opts, config)
	if input == nil {
		return nil, problems
	}
	return []lintInput{*input}, problems
}

// lintOne lints a bundle folder, a Mach-O file or an entitlements property
// list.
func lintOne(path string, opts *lintOptions, config *lintConfig) (*lintInput, []lintProblem) {
	disabled, err := readDisableFile(path, config.disabled)
	if err != nil {
		return nil, []lintProblem{{Path: path + disableFileSuffix, Invalid: true,
			Err:  fmt.Errorf("%w, so the findings of %q were not reported", err, path),
			Hint: "list one rule ID per line, optionally followed by a # comment; run \"sockdoctor rules\" for the IDs"}}
	}
	static := config.static
	static.Disabled = disabled

	info, err := os.Stat(path)
	if err != nil {
		return nil, []lintProblem{{Path: path, Err: err, Hint: "pass an existing .app bundle, Mach-O file or .entitlements file"}}
	}
	if info.IsDir() {
		return lintBundle(path, static, config)
	}
	if !info.Mode().IsRegular() {
		return nil, []lintProblem{{Path: path, Err: errors.New("not a regular file or folder; FIFOs and devices are not read"),
			Hint: "pass an entitlements file, a Mach-O file or a bundle folder"}}
	}
	return lintFile(path, opts, static, config)
}

// sourceSuffixes are the file name endings lintSourceFolder picks up. Plain
// .plist files are left out because most of them (Info.plist, settings) are
// not entitlements.
var sourceSuffixes = []string{".entitlements", ".xcent"}

// lintSourceFolder lints every entitlements source under dir, in lexical
// order. It skips hidden folders (.git), bundles (build products, which are
// linted by passing them) and symbolic links.
func lintSourceFolder(dir string, opts *lintOptions, config *lintConfig) ([]lintInput, []lintProblem) {
	var (
		files    []string
		problems []lintProblem
	)
	err := filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, lintProblem{Path: path, Err: err, Hint: walkProblemHint(err)})
			return nil
		}
		if entry.IsDir() && path != dir && (strings.HasPrefix(entry.Name(), ".") || bundle.IsBundle(path)) {
			return filepath.SkipDir
		}
		if entry.Type().IsRegular() && slices.ContainsFunc(sourceSuffixes, func(s string) bool { return strings.HasSuffix(entry.Name(), s) }) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		problems = append(problems, lintProblem{Path: dir, Err: err, Hint: walkProblemHint(err)})
	}
	if len(files) == 0 && len(problems) == 0 {
		problems = append(problems, lintProblem{Path: dir, Err: errors.New("the folder is not a bundle and contains no .entitlements or .xcent files"),
			Hint: "pass entitlements files, a folder that contains them, or a built .app, .appex or .xpc bundle"})
	}

	var inputs []lintInput
	for _, file := range files {
		input, fileProblems := lintOne(file, opts, config)
		problems = append(problems, fileProblems...)
		if input != nil {
			inputs = append(inputs, *input)
		}
	}
	return inputs, problems
}

// readDisableFile adds the rule IDs listed in path's suppression file, if
// any, to the IDs disabled on the command line.
func readDisableFile(path string, base map[string]bool) (map[string]bool, error) {
	disabled := map[string]bool{}
	for id := range base {
		disabled[id] = true
	}
	file, err := os.Open(filepath.Clean(path) + disableFileSuffix)
	if errors.Is(err, os.ErrNotExist) {
		return disabled, nil
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()

	scanner := bufio.NewScanner(file)
	for n := 1; scanner.Scan(); n++ {
		// A # starts a comment, on its own line or after the rule ID.
		id, _, _ := strings.Cut(scanner.Text(), "#")
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := checks.Lookup(id); !ok {
			return nil, fmt.Errorf("line %d: unknown rule ID %q", n, id)
		}
		disabled[id] = true
	}
	return disabled, scanner.Err()
}

func loadProblem(path string, err error) lintProblem {
	var loadErr *entitlements.LoadError
	if errors.As(err, &loadErr) {
		return lintProblem{Path: path, Err: loadErr.Err, Hint: loadErr.Hint}
	}
	return lintProblem{Path: path, Err: err}
}

func lintFile(path string, opts *lintOptions, static checks.StaticOptions, config *lintConfig) (*lintInput, []lintProblem) {
	target, err := entitlements.Load(path, entitlements.LoadOptions{Vars: config.vars})
	if err != nil {
		return nil, []lintProblem{loadProblem(path, err)}
	}
	if target.Kind == entitlements.KindProfile {
		return nil, []lintProblem{{Path: path, Err: errors.New("the file is a provisioning profile, not entitlements"),
			Hint: "lint the bundle that embeds the profile, or its entitlements file"}}
	}

	st := checks.StaticTargetOf(target)
	if target.Kind == entitlements.KindEntitlementsFile && opts.TeamID != "" {
		st.TeamID = opts.TeamID
	}
	static.Distribution = distributionFor(static.Distribution, target)

	input := &lintInput{Path: path, Kind: target.Kind, Distribution: static.Distribution}
	input.Results = checks.StaticResults(st, static)

	var lines map[string]report.KeyLine
	source := path
	if mapped, ok := config.sourceMaps[absolutePath(path)]; ok {
		source = mapped
	}
	if target.Kind == entitlements.KindEntitlementsFile || source != path {
		lines = readKeyLines(source)
	}
	input.locate = func(f checks.StaticFinding) lintLocation {
		return lintLocation{File: source, Line: keyLine(lines, f)}
	}
	return input, nil
}

// distributionFor returns the channel from the flag, else from the signing
// certificate.
func distributionFor(flag checks.Distribution, target *entitlements.Target) checks.Distribution {
	if flag != "" {
		return flag
	}
	return checks.Distribution(target.Distribution())
}

// readKeyLines returns the key lines of an XML plist, or nil for other
// formats and unreadable files: findings then point at the whole file. Only
// a regular file is opened, because opening a FIFO would block, and at most
// maxKeyLineBytes are read.
func readKeyLines(path string) map[string]report.KeyLine {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyLineBytes+1))
	if err != nil || len(data) > maxKeyLineBytes {
		return nil
	}
	lines, err := report.PlistKeyLines(data)
	if err != nil {
		return nil
	}
	return lines
}

// maxKeyLineBytes bounds the plist read for key lines; it matches the 16 MB
// limit the entitlements reader puts on a property list file.
const maxKeyLineBytes = 16 << 20

// keyLine returns the line of the finding's value if known, else of its
// key, else 0.
func keyLine(lines map[string]report.KeyLine, f checks.StaticFinding) int {
	kl, ok := lines[f.Key]
	if !ok {
		return 0
	}
	if line, ok := kl.ValueLines[f.Value]; ok && f.Value != "" {
		return line
	}
	return kl.Line
}

func lintBundle(path string, static checks.StaticOptions, config *lintConfig) (*lintInput, []lintProblem) {
	walk, err := bundle.Walk(path)
	if err != nil {
		return nil, []lintProblem{{Path: path, Err: err, Hint: "pass an .app, .appex or .xpc bundle folder"}}
	}

	var problems []lintProblem
	base := filepath.Dir(filepath.Clean(path))
	for _, p := range walk.Problems {
		problems = append(problems, lintProblem{Path: filepath.Join(base, filepath.FromSlash(p.Rel)), Err: p.Err, Hint: walkProblemHint(p.Err)})
	}

	// Load every piece of code; indexes maps a walk index to its index in
	// codes, or -1 when the piece could not be read.
	var codes []checks.BundleCode
	executables := map[string]string{} // display path -> executable file
	indexes := make([]int, len(walk.Code))
	for i, code := range walk.Code {
		indexes[i] = -1
		display := filepath.Join(base, filepath.FromSlash(code.Rel))
		target, err := entitlements.Load(code.Path, entitlements.LoadOptions{Vars: config.vars})
		if err != nil {
			problems = append(problems, loadProblem(display, err))
			continue
		}
		st := checks.StaticTargetOf(target)
		st.Path = display
		parent := -1
		if code.Parent >= 0 {
			parent = indexes[code.Parent]
		}
		indexes[i] = len(codes)
		codes = append(codes, checks.BundleCode{Target: st, Role: code.Role, Parent: parent})
		executables[display] = filepath.Join(base, filepath.FromSlash(code.Executable))

		if i == 0 {
			static.Distribution = distributionFor(static.Distribution, target)
		}
	}
	if len(codes) == 0 || indexes[0] != 0 {
		return nil, problems
	}

	input := &lintInput{Path: path, Kind: entitlements.KindApp, Distribution: static.Distribution}
	input.Results = checks.BundleResults(codes, static)

	sourceLines := map[string]map[string]report.KeyLine{}
	input.locate = func(f checks.StaticFinding) lintLocation {
		if source, ok := config.sourceMaps[absolutePath(f.Path)]; ok {
			if _, read := sourceLines[source]; !read {
				sourceLines[source] = readKeyLines(source)
			}
			return lintLocation{File: source, Line: keyLine(sourceLines[source], f)}
		}
		if exe := executables[f.Path]; exe != "" {
			return lintLocation{File: exe}
		}
		return lintLocation{File: f.Path}
	}
	return input, problems
}

// writeLintText prints one line per finding, "FILE:LINE: severity: rule:
// message", then its workarounds indented. Nothing is printed without
// findings.
func writeLintText(w io.Writer, inputs []lintInput, useColor bool) error {
	colors := map[checks.Severity]*color.Color{
		checks.SeverityError:   color.New(color.FgRed, color.Bold),
		checks.SeverityWarning: color.New(color.FgYellow, color.Bold),
		checks.SeverityInfo:    color.New(color.FgCyan),
	}
	for _, c := range colors {
		if useColor {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}

	bw := bufio.NewWriter(w)
	for _, in := range inputs {
		for _, row := range sortedLintRows(in) {
			f, loc := row.finding, row.location
			place := loc.File
			if loc.Line > 0 {
				place = fmt.Sprintf("%s:%d", loc.File, loc.Line)
			}
			severity := string(f.Severity)
			if c := colors[f.Severity]; c != nil {
				severity = c.Sprint(severity)
			}
			// The severity is coloured here, so only the other fields
			// are escaped.
			fmt.Fprintf(bw, "%s: %s: %s: %s\n", report.Printable(place), severity, f.Rule, report.Printable(f.Message))
			for _, step := range f.Workaround {
				report.Fprintf(bw, "    workaround: %s\n", step)
			}
		}
	}
	return bw.Flush()
}

// lintRow is one finding of an input with the place it points at.
type lintRow struct {
	finding  checks.StaticFinding
	location lintLocation
}

// sortedLintRows returns the findings of in ordered by file, line, rule
// ID and message, so text output reads down each file like a compiler's.
// Findings without a line (0) come first in their file.
func sortedLintRows(in lintInput) []lintRow {
	rows := make([]lintRow, len(in.Results))
	for i, f := range in.Results {
		rows[i] = lintRow{finding: f, location: in.locate(f)}
	}
	slices.SortStableFunc(rows, func(a, b lintRow) int {
		if c := strings.Compare(a.location.File, b.location.File); c != 0 {
			return c
		}
		if c := a.location.Line - b.location.Line; c != 0 {
			return c
		}
		if c := strings.Compare(a.finding.Rule, b.finding.Rule); c != 0 {
			return c
		}
		return strings.Compare(a.finding.Message, b.finding.Message)
	})
	return rows
}

// lintJSON is the --format json document of lint.
type lintJSON struct {
	SchemaVersion string            `json:"schema_version"`
	Tool          toolJSON          `json:"tool"`
	Inputs        []lintInputJSON   `json:"inputs"`
	Findings      []lintFindingJSON `json:"findings"`
	Errors        []lintErrorJSON   `json:"errors"`
}

type toolJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type lintInputJSON struct {
	Path         string `json:"path"`
	Kind         string `json:"kind"`
	Distribution string `json:"distribution"`
}

type lintFindingJSON struct {
	checks.Finding
	Location lintLocationJSON `json:"location"`
}

type lintLocationJSON struct {
	Input string `json:"input"`
	Code  string `json:"code"`
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

type lintErrorJSON struct {
	Path  string `json:"path"`
	Error string `json:"error"`
	Hint  string `json:"hint,omitempty"`
}

func writeLintJSON(w io.Writer, inputs []lintInput, problems []lintProblem) error {
	doc := lintJSON{
		SchemaVersion: report.SchemaVersion,
		Tool:          toolJSON{Name: "sockdoctor", Version: Version},
		Inputs:        []lintInputJSON{},
		Findings:      []lintFindingJSON{},
		Errors:        []lintErrorJSON{},
	}
	for _, in := range inputs {
		doc.Inputs = append(doc.Inputs, lintInputJSON{Path: in.Path, Kind: in.Kind, Distribution: string(in.Distribution)})
		for _, f := range in.Results {
			loc := in.locate(f)
			doc.Findings = append(doc.Findings, lintFindingJSON{
				Finding:  f.Finding,
				Location: lintLocationJSON{Input: in.Path, Code: f.Path, File: loc.File, Line: loc.Line, Key: f.Key, Value: f.Value},
			})
		}
	}
	for _, p := range problems {
		doc.Errors = append(doc.Errors, lintErrorJSON{Path: p.Path, Error: p.Err.Error(), Hint: p.Hint})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func writeLintSARIF(w io.Writer, inputs []lintInput) error {
	var results []report.SARIFResult
	for _, in := range inputs {
		for _, f := range in.Results {
			loc := in.locate(f)
			identity := f.Key + "=" + f.Value
			if f.Key == "" && f.Value == "" {
				identity = ""
			}
			results = append(results, report.SARIFResult{
				Finding:   f.Finding,
				Locations: []report.SARIFLocation{{URI: repositoryURI(loc.File), StartLine: loc.Line}},
				Identity:  f.Path + "\x00" + identity,
			})
		}
	}
	tool := report.SARIFTool{Name: "sockdoctor", Version: Version, InformationURI: "https://github.com/sockdoctor/sockdoctor"}
	return report.WriteSARIF(w, tool, lintRules(), results)
}

// lintRules returns the catalog rules lint can raise, for the SARIF rule
// list: the static rules and sbpl-exception.
func lintRules() []*checks.Rule {
	var rules []*checks.Rule
	for _, r := range checks.Catalog() {
		if slices.Contains(checks.StaticRuleIDs(), r.ID) {
			rules = append(rules, r)
		}
	}
	return rules
}

// repositoryURI turns a path into a SARIF URI: relative to the working
// directory (the repository root in CI) when it lies inside it, else an
// absolute file URI.
func repositoryURI(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return (&url.URL{Path: filepath.ToSlash(path)}).String()
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return (&url.URL{Path: filepath.ToSlash(rel)}).String()
		}
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}
