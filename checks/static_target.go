package checks

import (
	"fmt"

	"github.com/sockdoctor/sockdoctor/entitlements"
)

// StaticTargetOf converts what entitlements.Load read into the input of the
// static rules.
func StaticTargetOf(t *entitlements.Target) StaticTarget {
	st := StaticTarget{
		Path:         t.Path,
		Kind:         t.Kind,
		TeamID:       t.TeamID,
		Signature:    string(t.Signature),
		Entitlements: t.Entitlements,
	}
	if t.Kind == entitlements.KindEntitlementsFile {
		st.Signature = ""
	}
	if t.Profile != nil {
		st.HasProfile = true
		st.ProfileGroups = t.Profile.Groups
	}
	for _, s := range t.Slices {
		for _, m := range s.Mismatches {
			st.DERMismatches = append(st.DERMismatches, fmt.Sprintf("%s: %s", s.Arch, m))
		}
	}
	return st
}

// StaticFindings runs every single-target static rule on t: the checks that
// need neither a socket nor the rest of a bundle.
func StaticFindings(t *entitlements.Target, opts StaticOptions) []Finding {
	return Findings(StaticResults(StaticTargetOf(t), opts))
}
