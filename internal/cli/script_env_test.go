package cli

import (
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"
)

// setupScriptEnv gives every script a private home folder and the corpus path.
func setupScriptEnv(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	env.Setenv("HOME", home)
	env.Setenv("NO_COLOR", "")
	corpus, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	env.Setenv("CORPUS", corpus)
	return nil
}

// scriptCommands returns the custom commands scripts may use. Each file that
// adds a command registers it in scriptCommandSet from an init function.
func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return scriptCommandSet
}

var scriptCommandSet = map[string]func(ts *testscript.TestScript, neg bool, args []string){}
