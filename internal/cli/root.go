// Package cli wires sockdoctor's commands to the library packages. Commands
// only fill and validate an options struct, then call a run function; exit
// codes are decided in one place, Main.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/sockdoctor/sockdoctor/report"
)

// Exit codes shared by every command.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitUsage    = 2 // usage error or unreadable input
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// IO carries the streams a command reads and writes, so tests can swap them.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	// InIsTerminal reports whether In is a terminal, where a command that
	// reads In waits for typed input.
	InIsTerminal bool
	// OutIsTerminal reports whether Out is a terminal; colour defaults on it.
	OutIsTerminal bool
	// Getenv reads the environment (NO_COLOR, HOME); tests replace it.
	Getenv func(string) string
}

// StandardIO returns the process's standard streams.
func StandardIO() *IO {
	return &IO{
		In:            os.Stdin,
		Out:           os.Stdout,
		Err:           os.Stderr,
		InIsTerminal:  isatty.IsTerminal(os.Stdin.Fd()) || isatty.IsCygwinTerminal(os.Stdin.Fd()),
		OutIsTerminal: isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd()),
		Getenv:        os.Getenv,
	}
}

// ExitError carries an exit code out of a command. Commands return it for
// "findings at or above --fail-on" (code 1) after printing their report.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// InputError is an unreadable or invalid input: exit code 2, with a hint line.
type InputError struct {
	Err  error
	Hint string
}

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// inputErrorf builds an InputError from a message and a hint for the fix.
func inputErrorf(hint, format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...), Hint: hint}
}

// Main runs sockdoctor with args and returns the process exit code.
func Main(args []string, streams *IO) int {
	root := NewRootCommand(streams)
	root.SetArgs(args)
	err := root.Execute()
	return exitCode(err, streams)
}

// exitCode prints err the way every command reports errors and maps it to an
// exit code: 0 on success, 1 for findings, 2 for everything else.
func exitCode(err error, streams *IO) int {
	if err == nil {
		return ExitOK
	}

	var exit *ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}

	// Messages may quote values from files and logs, so they are escaped.
	report.Fprintf(streams.Err, "sockdoctor: error: %v\n", err)
	var input *InputError
	if errors.As(err, &input) && input.Hint != "" {
		report.Fprintf(streams.Err, "sockdoctor: hint: %s\n", input.Hint)
	}
	return ExitUsage
}

// NewRootCommand builds the command tree.
func NewRootCommand(streams *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "sockdoctor",
		Short: "Explain why a sandboxed macOS app cannot reach a Unix domain socket",
		Long: `sockdoctor reads an app's entitlements, inspects a Unix domain socket and
reports which App Sandbox rule denies access, the evidence, and the supported
workaround for the app's distribution channel (Mac App Store or Developer ID).

Everything works on Linux as well as on a Mac, without Apple's tools. The
test connect of check runs wherever sockdoctor runs, outside the app's
sandbox, so it shows whether a server listens, not whether the app may
connect.`,
		Example: `  sockdoctor check --app Build/MyApp.app --socket ~/.docker/run/docker.sock
  sockdoctor lint --format sarif MyApp/MyApp.entitlements
  log show --last 5m --style compact --predicate 'sender == "Sandbox"' | sockdoctor explain
  sockdoctor entitlements Build/MyApp.app`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetVersionTemplate("sockdoctor {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &InputError{Err: err, Hint: fmt.Sprintf("run %q for the flags it takes", cmd.CommandPath()+" --help")}
	})

	// The root runs only to reject an unknown command with a hint. Without
	// a command it prints the help, as cobra does for a command that
	// cannot run.
	root.Args = unknownCommandArgs
	root.SuggestionsMinimumDistance = 2
	root.RunE = func(cmd *cobra.Command, args []string) error {
		return cmd.Help()
	}

	root.AddCommand(newVersionCommand(streams))
	for _, add := range subcommands {
		root.AddCommand(add(streams))
	}
	root.InitDefaultCompletionCmd()
	for _, cmd := range root.Commands() {
		if cmd.Name() == "completion" {
			rejectUnknownShell(cmd)
		}
		requireInputErrors(cmd)
	}
	return root
}

// rejectUnknownShell makes "completion NAME" with a shell that has no
// subcommand a usage error. Without it cobra prints the help and exits 0.
func rejectUnknownShell(cmd *cobra.Command) {
	var shells []string
	for _, sub := range cmd.Commands() {
		shells = append(shells, sub.Name())
	}
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return &InputError{
			Err:  fmt.Errorf("unknown shell %q", args[0]),
			Hint: fmt.Sprintf("pass one of: %s, such as: %s %s", strings.Join(shells, ", "), cmd.CommandPath(), shells[0]),
		}
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return cmd.Help()
	}
}

// subcommands lists the constructors of the commands defined in other files
// of this package. Each file appends its own in init, so adding a command
// touches one file.
var subcommands []func(*IO) *cobra.Command

func newVersionCommand(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sockdoctor version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(streams.Out, "sockdoctor %s\n", Version)
			return nil
		},
	}
}

// unknownCommandArgs rejects an argument of the root command, which can
// only be a mistyped command name.
func unknownCommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := fmt.Sprintf("run %q for the list of commands", cmd.CommandPath()+" --help")
	if suggestions := cmd.SuggestionsFor(args[0]); len(suggestions) > 0 {
		hint = fmt.Sprintf("did you mean %q? %q lists every command", suggestions[0], cmd.CommandPath()+" --help")
	}
	return &InputError{Err: fmt.Errorf("unknown command %q", args[0]), Hint: hint}
}

// noArgs rejects every positional argument of a command that takes none.
// cobra.NoArgs calls an argument an unknown command, which misleads for a
// command without subcommands.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return &InputError{
		Err:  fmt.Errorf("unexpected argument %q: %s takes no arguments", args[0], cmd.CommandPath()),
		Hint: "usage: " + cmd.UseLine(),
	}
}

// exactArgs returns a validator that requires n arguments. expected
// describes them for the hint, such as "one bundle or Mach-O file".
func exactArgs(n int, expected string) cobra.PositionalArgs {
	return rangeArgs(n, n, expected)
}

// minimumArgs returns a validator that requires at least n arguments.
func minimumArgs(n int, expected string) cobra.PositionalArgs {
	return rangeArgs(n, -1, expected)
}

// maximumArgs returns a validator that accepts at most n arguments.
func maximumArgs(n int, expected string) cobra.PositionalArgs {
	return rangeArgs(0, n, expected)
}

// rangeArgs returns a validator that accepts from minimum to maximum
// arguments; a negative maximum means no limit. Its errors are
// InputErrors whose hint names what to pass.
func rangeArgs(minimum, maximum int, expected string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < minimum:
			return &InputError{
				Err:  fmt.Errorf("missing argument: %s takes %s, got %d", cmd.CommandPath(), argumentCount(minimum, maximum), len(args)),
				Hint: usageHint(cmd, "pass "+expected),
			}
		case maximum >= 0 && len(args) > maximum:
			return &InputError{
				Err:  fmt.Errorf("unexpected argument %q: %s takes %s", args[maximum], cmd.CommandPath(), argumentCount(minimum, maximum)),
				Hint: usageHint(cmd, "pass "+expected),
			}
		}
		return nil
	}
}

// argumentCount describes how many arguments a command takes: "1
// argument", "at least 1 argument", "at most 1 argument" or "1 to 3
// arguments".
func argumentCount(minimum, maximum int) string {
	noun := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case minimum == maximum:
		return noun(minimum)
	case maximum < 0:
		return "at least " + noun(minimum)
	case minimum == 0:
		return "at most " + noun(maximum)
	}
	return fmt.Sprintf("%d to %s", minimum, noun(maximum))
}

// usageHint returns a hint that names what to pass, then the command's
// usage line.
func usageHint(cmd *cobra.Command, pass string) string {
	return fmt.Sprintf("%s; usage: %s", pass, cmd.UseLine())
}

// requireInputErrors makes every argument error of cmd and its
// subcommands an InputError with a hint, so each prints a hint line and
// exits with ExitUsage whichever validator a command file chose. A
// validator that accepts no arguments but rejects one, on a command without
// subcommands or a fixed list of valid arguments, is replaced by noArgs,
// whose message does not call the argument an unknown command.
func requireInputErrors(cmd *cobra.Command) {
	for _, sub := range cmd.Commands() {
		requireInputErrors(sub)
	}
	original := cmd.Args
	if original == nil {
		return
	}
	if !cmd.HasSubCommands() && len(cmd.ValidArgs) == 0 && original(cmd, nil) == nil && original(cmd, []string{"argument"}) != nil {
		cmd.Args = noArgs
		return
	}
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		err := original(cmd, args)
		var input *InputError
		if err == nil || errors.As(err, &input) {
			return err
		}
		return &InputError{Err: err, Hint: usageHint(cmd, fmt.Sprintf("run %q for the arguments it takes", cmd.CommandPath()+" --help"))}
	}
}
