package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"
)

// setupScriptEnv gives every script a private home folder and the corpus path.
func setupScriptEnv(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	env.Setenv("HOME", home)
	env.Setenv("NO_COLOR", "")
	env.Setenv("CORPUS", corpusPath())
	return nil
}

// corpusPath returns the absolute path of the corpus of real signed bundles
// and entitlements files, ../shared/corpus from the module root. The folder
// may be absent, and scripts then skip.
func corpusPath() string {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	return dir
}

// scriptCondition adds the "corpus" condition: true when the fixture corpus
// is present, so scripts can skip without it.
func scriptCondition(cond string) (bool, error) {
	switch cond {
	case "corpus":
		_, err := os.Stat(corpusPath())
		return err == nil, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// scriptCommands returns the custom commands scripts may use. Each file that
// adds a command registers it in scriptCommandSet from an init function.
func scriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return scriptCommandSet
}

var scriptCommandSet = map[string]func(ts *testscript.TestScript, neg bool, args []string){}
