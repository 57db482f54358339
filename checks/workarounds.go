package checks

import (
	"slices"
	"strings"
)

// connectOnlyWorkarounds help an app reach a socket that another team's
// server creates. bind creates the socket in the app itself, so they do not
// apply to it.
var connectOnlyWorkarounds = []string{masNoWay}

// fitWorkaroundsToOperation drops the workarounds that do not fit the
// operation. For bind it removes the connect-only advice and, when the
// sandbox denies the bind, puts bindInContainer first in the deciding
// finding. For connect it removes bindInContainer.
func fitWorkaroundsToOperation(f *facts, findings []Finding, denied bool, decidingRule string) {
	for i := range findings {
		w := findings[i].Workaround
		if !f.isBind() {
			findings[i].Workaround = slices.DeleteFunc(w, func(s string) bool { return isWorkaround(s, bindInContainer) })
			continue
		}

		w = slices.DeleteFunc(w, func(s string) bool {
			return slices.ContainsFunc(connectOnlyWorkarounds, func(c string) bool { return isWorkaround(s, c) })
		})
		if denied && findings[i].Rule == decidingRule {
			w = slices.DeleteFunc(w, func(s string) bool { return isWorkaround(s, bindInContainer) })
			w = append([]string{bindInContainer}, w...)
		}
		findings[i].Workaround = w
	}
}

// isWorkaround reports whether line is the workaround text, with or
// without the channel label WorkaroundFor puts in front for an unknown
// channel.
func isWorkaround(line, text string) bool {
	return line == text || strings.HasSuffix(line, ": "+text)
}
