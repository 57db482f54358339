// Package cli wires sockdoctor's commands to the library packages. Commands
// only fill and validate an options struct, then call a run function; exit
// codes are decided in one place, Main.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
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

	fmt.Fprintf(streams.Err, "sockdoctor: error: %v\n", err)
	var input *InputError
	if errors.As(err, &input) && input.Hint != "" {
		fmt.Fprintf(streams.Err, "sockdoctor: hint: %s\n", input.Hint)
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

Everything except the live probes works on Linux, without Apple's tools.`,
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

	root.AddCommand(newVersionCommand(streams))
	for _, add := range subcommands {
		root.AddCommand(add(streams))
	}
	return root
}

// subcommands lists the constructors of the commands defined in other files
// of this package; each file appends its own in init, so adding a command
// touches one file.
var subcommands []func(*IO) *cobra.Command

func newVersionCommand(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sockdoctor version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(streams.Out, "sockdoctor %s\n", Version)
			return nil
		},
	}
}
