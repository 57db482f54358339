package checks

import (
	"fmt"
	"path/filepath"

	"github.com/sockdoctor/sockdoctor/bundle"
	"github.com/sockdoctor/sockdoctor/entitlements"
)

// AppStaticFindings runs the static rules on an app as lint does. For a
// bundle it checks every piece of nested code and compares them
// (BundleResults), so an unsandboxed XPC service in a Mac App Store build
// raises mas-requires-sandbox. A Mach-O file or a plist is checked alone.
//
// t is the main app as the caller loaded it, with any bundle ID or Team ID
// it supplied, so the app's own findings match the rest of the report.
// Nested code is loaded with load. Code that cannot be read is skipped and
// returned as problems, one error per file, which name the file.
func AppStaticFindings(t *entitlements.Target, load entitlements.LoadOptions, opts StaticOptions) ([]Finding, []error) {
	if t.Kind != entitlements.KindApp {
		return StaticFindings(t, opts), nil
	}
	walk, err := bundle.Walk(t.Path)
	if err != nil {
		return StaticFindings(t, opts), []error{fmt.Errorf("cannot walk the nested code of %q: %w", t.Path, err)}
	}

	var problems []error
	base := filepath.Dir(filepath.Clean(t.Path))
	for _, p := range walk.Problems {
		problems = append(problems, fmt.Errorf("%s: %w", filepath.Join(base, filepath.FromSlash(p.Rel)), p.Err))
	}

	// indexes maps a walk index to its index in codes, or -1 when the code
	// could not be read.
	codes := []BundleCode{{Target: StaticTargetOf(t), Role: bundle.RoleMain, Parent: -1}}
	indexes := make([]int, len(walk.Code))
	for i := 1; i < len(walk.Code); i++ {
		code := walk.Code[i]
		indexes[i] = -1
		display := filepath.Join(base, filepath.FromSlash(code.Rel))
		nested, err := entitlements.Load(code.Path, load)
		if err != nil {
			problems = append(problems, fmt.Errorf("cannot read %q: %w", display, err))
			continue
		}
		st := StaticTargetOf(nested)
		st.Path = display
		parent := -1
		if code.Parent >= 0 {
			parent = indexes[code.Parent]
		}
		indexes[i] = len(codes)
		codes = append(codes, BundleCode{Target: st, Role: code.Role, Parent: parent})
	}
	return Findings(BundleResults(codes, opts)), problems
}
