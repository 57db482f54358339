package cli

import (
	"os"
	"testing"

	"github.com/mattn/go-isatty"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run sockdoctor in-process as the "sockdoctor"
// command of each script.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sockdoctor": func() {
			streams := StandardIO()
			streams.OutIsTerminal = isatty.IsTerminal(os.Stdout.Fd())
			os.Exit(Main(os.Args[1:], streams))
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. Scripts that
// read the corpus of real signed bundles and entitlements files (at
// ../shared/corpus from the module root) get its path as $CORPUS and start
// with "[!corpus] skip 'corpus absent'". Set SOCKDOCTOR_UPDATE_SCRIPTS=1
// to rewrite the expected output files of a script from the actual output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       os.Getenv("SOCKDOCTOR_UPDATE_SCRIPTS") == "1",
		RequireExplicitExec: true,
		Setup:               setupScriptEnv,
		Cmds:                scriptCommands(),
		Condition:           scriptCondition,
	})
}
