package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sockdoctor/sockdoctor/socket"
)

// Rules that decide an unknown verdict: the socket lies in a container that
// may or may not be the app's, and the fact that would tell is missing.

var ruleBundleIDUnknown = register(&Rule{
	ID:       "bundle-id-unknown",
	Severity: SeverityInfo,
	Title:    "App's bundle ID unknown",
	Summary:  "The socket lies in an app container, and without the app's bundle ID the tool cannot tell whether it is the app's own.",
	Doc: `The socket lies under ~/Library/Containers/<bundle-id>/, and the app's bundle
ID is unknown: an entitlements plist does not carry it, and explain has no app
unless --app is given. That container is the app's own when its bundle ID
matches, and then application.sb allows network-outbound and network-bind in
it; for any other app it is denied (see other-app-container). So the verdict
stays unknown rather than guessed.

Evidence: the resolved path and the bundle ID that names the container.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Pass --bundle-id with the app's bundle ID, or pass the built app with --app, whose Info.plist names it."},
	},
	References: []string{forumSocketsFromSandbox},
})

var ruleAppUnknown = register(&Rule{
	ID:       "app-unknown",
	Severity: SeverityInfo,
	Title:    "App's entitlements unknown",
	Summary:  "The socket lies in an app group container, and without the app's entitlements the tool cannot tell whether the app claims that group.",
	Doc: `The socket lies under ~/Library/Group Containers/<group-id>/, and no app was
given (explain without --app), so the tool does not know the app's
com.apple.security.application-groups. application.sb allows the socket when
the app claims the group and denies it otherwise (see group-not-claimed), so
the verdict stays unknown rather than guessed.

Evidence: the resolved path and the group ID that names the container.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Pass the built app with --app, or its entitlements with --entitlements."},
	},
	References: []string{docAppGroups},
})

// placeholderMatch is a claimed ID with placeholders that could expand to
// the ID of the socket's container.
type placeholderMatch struct {
	claimed string            // the ID as written, such as "$(TeamIdentifierPrefix)ex"
	values  map[string]string // expansion of each placeholder
	names   []string          // placeholder names in order of appearance
}

// matchPlaceholders reports whether claimed, whose placeholders may expand
// to anything, can equal id, and what each placeholder would then be. When
// a placeholder appears twice or two are adjacent, the values are one
// possible split.
func matchPlaceholders(claimed, id string) (placeholderMatch, bool) {
	locs := placeholderPattern.FindAllStringSubmatchIndex(claimed, -1)
	if locs == nil {
		return placeholderMatch{}, false
	}

	var pattern strings.Builder
	var names []string
	pattern.WriteString("^")
	last := 0
	for _, loc := range locs {
		pattern.WriteString(regexp.QuoteMeta(claimed[last:loc[0]]))
		pattern.WriteString("(.*?)")
		name := claimed[loc[2]:loc[3]]
		if loc[2] < 0 {
			name = claimed[loc[4]:loc[5]]
		}
		names = append(names, name)
		last = loc[1]
	}
	pattern.WriteString(regexp.QuoteMeta(claimed[last:]))
	pattern.WriteString("$")

	m := regexp.MustCompile(pattern.String()).FindStringSubmatch(id)
	if m == nil {
		return placeholderMatch{}, false
	}
	values := map[string]string{}
	for i, name := range names {
		if _, seen := values[name]; !seen {
			values[name] = m[i+1]
		}
	}
	return placeholderMatch{claimed: claimed, values: values, names: names}, true
}

// varFlags returns the --var flags that would expand the placeholders to
// the matched values, such as "--var TeamIdentifierPrefix=ABCDE12345.".
func (m placeholderMatch) varFlags() string {
	var flags []string
	seen := map[string]bool{}
	for _, name := range m.names {
		if seen[name] {
			continue
		}
		seen[name] = true
		flags = append(flags, "--var "+name+"="+m.values[name])
	}
	return strings.Join(flags, " ")
}

// decideUnknown returns the finding that leaves the verdict unknown, or nil
// when the facts suffice. The verdict is unknown when the socket lies in a
// container whose owner depends on a missing bundle ID, missing
// entitlements or an unresolved placeholder.
func decideUnknown(f *facts) *Finding {
	evidence := f.socketEvidence()
	resolved := f.resolvedPath()

	switch f.location {
	case socket.LocationOtherAppContainer:
		if f.bundleID == "" {
			fd := f.newFindingWithApp(ruleBundleIDUnknown,
				fmt.Sprintf("unknown: %s lies in the container of %s, which is the app's own only if its bundle ID is %s; pass --bundle-id to decide",
					resolved, f.containerID, f.containerID),
				evidence)
			return &fd
		}
		if m, ok := matchPlaceholders(f.bundleID, f.containerID); ok {
			fd := f.newFindingWithApp(unresolvedPlaceholder,
				fmt.Sprintf("unknown: the bundle ID %q holds an unresolved placeholder and is %s's container only if it expands to %s; pass %s (or the built app) to decide",
					f.bundleID, resolved, f.containerID, m.varFlags()),
				evidence)
			return &fd
		}

	case socket.LocationOtherGroup:
		if !f.appKnown {
			fd := f.newFindingWithApp(ruleAppUnknown,
				fmt.Sprintf("unknown: %s lies in the container of app group %s, and without the app's entitlements the tool cannot tell whether the app claims it; pass --app to decide",
					resolved, f.containerID),
				evidence)
			return &fd
		}
		for _, g := range f.groups {
			if m, ok := matchPlaceholders(g, f.containerID); ok {
				fd := f.newFindingWithApp(unresolvedPlaceholder,
					fmt.Sprintf("unknown: %s lies in the container of app group %s, which the claimed group %q names if its placeholders expand that way; pass %s (or the built app) to decide",
						resolved, f.containerID, g, m.varFlags()),
					evidence)
				return &fd
			}
		}
	}
	return nil
}
