package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestRequireInputErrorsWrapsCobraValidators(t *testing.T) {
	parent := &cobra.Command{Use: "tool"}
	ranged := &cobra.Command{Use: "ranged A [B]", Args: cobra.RangeArgs(1, 2), RunE: func(*cobra.Command, []string) error { return nil }}
	none := &cobra.Command{Use: "none", Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error { return nil }}
	parent.AddCommand(ranged, none)
	requireInputErrors(parent)

	err := ranged.Args(ranged, nil)
	var input *InputError
	if !errors.As(err, &input) {
		t.Fatalf("ranged with no arguments: error %v (%T), want an *InputError", err, err)
	}
	if want := `run "tool ranged --help" for the arguments it takes; usage: tool ranged A [B]`; input.Hint != want {
		t.Errorf("ranged hint = %q, want %q", input.Hint, want)
	}
	if err := ranged.Args(ranged, []string{"a"}); err != nil {
		t.Errorf("ranged with one argument: %v, want nil", err)
	}

	err = none.Args(none, []string{"extra"})
	if !errors.As(err, &input) {
		t.Fatalf("none with an argument: error %v (%T), want an *InputError", err, err)
	}
	if strings.Contains(err.Error(), "unknown command") {
		t.Errorf("none calls its argument a command: %v", err)
	}
	if want := `unexpected argument "extra": tool none takes no arguments`; err.Error() != want {
		t.Errorf("none error = %q, want %q", err, want)
	}
}

func TestArgumentCount(t *testing.T) {
	tests := []struct {
		minimum, maximum int
		want             string
	}{
		{1, 1, "1 argument"},
		{2, 2, "2 arguments"},
		{1, -1, "at least 1 argument"},
		{0, 1, "at most 1 argument"},
		{1, 3, "1 to 3 arguments"},
	}
	for _, tt := range tests {
		if got := argumentCount(tt.minimum, tt.maximum); got != tt.want {
			t.Errorf("argumentCount(%d, %d) = %q, want %q", tt.minimum, tt.maximum, got, tt.want)
		}
	}
}
