package checks

import (
	"fmt"
	"strings"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/socket"
)

// App group rules. Facts: Apple's documentation pages "App Groups
// Entitlement", "Configuring app groups" and "Accessing app group
// containers" (macOS 15 and later), and Apple Developer Forums thread 721701.

var groupNotTeamPrefixed = register(&Rule{
	ID:       "group-id-not-team-prefixed",
	Severity: SeverityWarning,
	Title:    "App group ID without the Team ID prefix",
	Summary:  "A claimed app group neither starts with the signing Team ID nor is authorised by an embedded provisioning profile.",
	Doc: `## group-id-not-team-prefixed

**Meaning.** The entitlements claim an app group whose ID does not start with the
signing team's Team ID (` + "`TEAMID.name`" + `), and no embedded provisioning profile
authorises it. This covers iOS-style ` + "`group.name`" + ` IDs in a source file (the
profile that must authorise them is only known once the app is signed) and IDs
with neither form, such as ` + "`com.example.shared`" + `.

**Why macOS behaves so.** macOS 15 and later protect group containers. The
system lets an app into ` + "`~/Library/Group Containers/<group-id>/`" + ` without asking
only when the app comes from the Mac App Store or TestFlight, when the group ID
starts with the app's Team ID, or when an embedded provisioning profile lists
the group. Otherwise the user sees "“App” would like to access data from other
apps", and macOS 26 logs ` + "`containermanagerd ... REJECTED ... should be prefixed by requestor's team ID`" + `.
A socket in that container is unusable until the user agrees, and a background
helper cannot ask. App Store Connect also rejects group IDs that do not start
with the Team ID (ITMS-90286) unless the profile authorises them. Code that is
not sandboxed still meets the prompt on macOS 15 and later.

**Evidence.** The ` + "`com.apple.security.application-groups`" + ` array, the signing
Team ID (or ` + "`$(TeamIdentifierPrefix)`" + `, ` + "`$(AppIdentifierPrefix)`" + ` and
` + "`$(DEVELOPMENT_TEAM).`" + ` placeholders in a source file, which Xcode expands to the
team prefix), and the groups of the embedded provisioning profile.

**Workaround.**
- Mac App Store: prefix the group with the Team ID, or register a
  ` + "`group.`" + ` ID in the developer portal so the distribution profile lists it.
- Developer ID: prefix the group with the Team ID (no registration needed), or
  embed a Developer ID provisioning profile that lists the ` + "`group.`" + ` ID.
- Development: the development profile must list ` + "`group.`" + ` IDs; ad-hoc signed
  builds have no team and always meet the prompt.

**Sources.** Apple documentation "App Groups Entitlement", "Configuring app
groups", "Accessing app group containers"; Apple Developer Forums thread 721701;
xykong/flux-markdown issue 13 and steipete/CodexBar issue 121 (the
containermanagerd message).`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Prefix the group ID with your Team ID, or register the group.-style ID so the distribution profile lists it."},
		DistributionDeveloperID: {"Prefix the group ID with your Team ID, or embed a Developer ID provisioning profile that lists the group.-style ID."},
		DistributionDevelopment: {"Use a Team-ID-prefixed group, or a development profile that lists the group.-style ID."},
	},
	References: []string{
		"https://developer.apple.com/documentation/bundleresources/entitlements/com.apple.security.application-groups",
		"https://developer.apple.com/documentation/xcode/configuring-app-groups",
	},
})

var groupTeamMismatch = register(&Rule{
	ID:       "group-team-mismatch",
	Severity: SeverityError,
	Title:    "App group or nested code from another team",
	Summary:  "A group ID's Team ID prefix differs from the signing team, or nested code is signed by a different team than the app.",
	Doc: `## group-team-mismatch

**Meaning.** A claimed app group starts with a Team ID (` + "`ABCDE12345.name`" + `) that
is not the team that signs the code, or a piece of nested code in a bundle is
signed by a different team than the main app.

**Why macOS behaves so.** A group container belongs to the team whose ID
prefixes the group. Code signed by another team is not let in (macOS 15 and
later prompt or refuse; App Store Connect rejects the upload), and Apple's
policy is that Unix sockets carry IPC only between components of one team's
product. So an extension, XPC service or helper signed by another team cannot
share the app's group container or the socket inside it.

**Evidence.** The ` + "`TEAMID.`" + ` prefix of each group, the Team ID of the code
signature (or, for a source file, ` + "`com.apple.developer.team-identifier`" + ` and the
prefix of ` + "`com.apple.application-identifier`" + `), and for bundles the Team ID of
every nested executable.

**Workaround.** The same for every channel: sign the app and all its nested
code with one team, and prefix shared groups with that team's ID. Code from
another team (another company's agent or server) cannot join your group; talk
to it through an interface it offers, such as a loopback TCP port with
` + "`com.apple.security.network.client`" + `.

**Sources.** Apple documentation "App Groups Entitlement" and "Accessing app
group containers"; Apple Developer Forums thread 788364 ("Access Unix Socket
from App Sandbox").`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Sign the app and every nested executable with one team and prefix shared groups with that Team ID."},
	},
	References: []string{
		"https://developer.apple.com/documentation/bundleresources/entitlements/com.apple.security.application-groups",
		"https://developer.apple.com/forums/thread/788364",
	},
})

var groupNotInProfile = register(&Rule{
	ID:       "group-not-in-profile",
	Severity: SeverityError,
	Title:    "App group not authorised by the provisioning profile",
	Summary:  "The embedded provisioning profile does not list a claimed app group.",
	Doc: `## group-not-in-profile

**Meaning.** The code embeds a provisioning profile, and that profile does not
authorise one of the app groups the entitlements claim.

**Why macOS behaves so.** A ` + "`group.`" + `-style ID (and any ID without the Team ID
prefix) is valid on macOS only when a provisioning profile lists it (supported
since February 2025). Without that, macOS 15 and later prompt the user or
refuse the container. For the Mac App Store, App Store Connect checks every
entitlement against the profile and rejects the upload with ITMS-90288.
Team-ID-prefixed groups need no profile outside the store, so for Developer ID
and development builds this rule only reports groups without that prefix.

**Evidence.** The ` + "`com.apple.security.application-groups`" + ` array of the signed
entitlements and the same key in the ` + "`Entitlements`" + ` dictionary of
` + "`Contents/embedded.provisionprofile`" + `.

**Workaround.**
- Mac App Store: add the group to the App ID in the developer portal and
  regenerate the distribution profile.
- Developer ID and development: add the group to the App ID and regenerate
  the profile, or switch to a Team-ID-prefixed group, which needs none.

**Sources.** Apple documentation "Configuring app groups" and "Accessing app
group containers"; App Store Connect upload error ITMS-90288.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Add the group to the App ID in the developer portal and regenerate the distribution profile."},
		DistributionDeveloperID: {"Add the group to the App ID and regenerate the profile, or use a Team-ID-prefixed group, which needs no profile."},
		DistributionDevelopment: {"Add the group to the App ID and regenerate the development profile, or use a Team-ID-prefixed group."},
	},
	References: []string{"https://developer.apple.com/documentation/xcode/configuring-app-groups"},
})

var groupPathBudget = register(&Rule{
	ID:       "group-path-budget",
	Severity: SeverityWarning,
	Title:    "App group ID too long for a socket path",
	Summary:  "A socket in the group container would not fit in sun_path for a long user name.",
	Doc: `## group-path-budget

**Meaning.** A socket placed in this group's container would have a path of
104 bytes or more for a user with a long short name, so it cannot be used with
a plain ` + "`sockaddr_un`" + `.

**Why macOS behaves so.** ` + "`sockaddr_un.sun_path`" + ` is 104 bytes on Darwin: 103
usable bytes and a NUL (xnu ` + "`bsd/sys/un.h`" + `). Go's ` + "`syscall`" + ` rejects longer
paths with EINVAL and C code that copies into ` + "`sun_path`" + ` truncates them. A
socket in ` + "`/Users/<user>/Library/Group Containers/<group-id>/<name>`" + ` takes
34 bytes plus the lengths of the user name, the group ID and the socket name,
so those three must add up to at most 69 bytes. Apple's App Groups
documentation asks for short group IDs for this reason.

**Evidence.** Each claimed group ID (with ` + "`$(TeamIdentifierPrefix)`" + `-style
placeholders counted as an 11-byte ` + "`TEAMID.`" + ` prefix), the user-name length
(` + "`--user-name-length`" + `, default 27 bytes: a 27-character name broke RocketSim's
group socket) and the socket name (` + "`--socket-name`" + `, default ` + "`ipc.sock`" + `).

**Workaround.** The same for every channel: shorten the group ID or the socket
name, keep the socket directly in the container folder, or build
the address by hand: the kernel accepts up to 253 path bytes
(` + "`SOCK_MAXADDRLEN`" + `) when the caller sets ` + "`sun_len`" + ` itself.

**Sources.** xnu ` + "`bsd/sys/un.h`" + ` and ` + "`bsd/kern/uipc_syscalls.c`" + `; Go
` + "`src/syscall/syscall_bsd.go`" + `; Apple Developer Forums thread 817602; Apple
documentation "App Groups Entitlement"; AvdLee/RocketSimApp issue 1034.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {
			"Shorten the group ID or the socket name.",
			"Build the sockaddr_un by hand with sun_len set: the kernel accepts paths up to 253 bytes.",
		},
	},
	References: []string{"https://developer.apple.com/forums/thread/817602"},
})

func init() {
	singleTargetChecks = append(singleTargetChecks, checkGroupPrefixes, checkGroupProfile, checkGroupPathBudget)
}

// teamPlaceholders are the build settings Xcode expands to the team prefix,
// with the number of bytes each expands to.
var teamPlaceholders = []struct {
	prefix string
	bytes  int
}{
	{"$(TeamIdentifierPrefix)", 11},
	{"$(AppIdentifierPrefix)", 11},
	{"${TeamIdentifierPrefix}", 11},
	{"${AppIdentifierPrefix}", 11},
	{"$(DEVELOPMENT_TEAM).", 11},
	{"${DEVELOPMENT_TEAM}.", 11},
}

// groupForm classifies how a group ID names its owner.
type groupForm int

const (
	groupTeamPrefixed       groupForm = iota // ABCDE12345.name
	groupTeamPlaceholder                     // $(TeamIdentifierPrefix)name
	groupIOSStyle                            // group.name
	groupUnresolved                          // starts with another placeholder
	groupWithoutOwnerPrefix                  // com.example.name
)

func classifyGroup(id string) groupForm {
	for _, p := range teamPlaceholders {
		if strings.HasPrefix(id, p.prefix) {
			return groupTeamPlaceholder
		}
	}
	switch {
	case socket.TeamPrefix(id) != "":
		return groupTeamPrefixed
	case strings.HasPrefix(id, "group."):
		return groupIOSStyle
	case strings.HasPrefix(id, "$(") || strings.HasPrefix(id, "${"):
		return groupUnresolved
	}
	return groupWithoutOwnerPrefix
}

// expectedTeam returns the team the code is signed by: the signature's Team
// ID, else the team entitlements of a source file. It returns "" when
// neither is known.
func expectedTeam(t StaticTarget) (team, source string) {
	if t.TeamID != "" && t.Kind == entitlements.KindEntitlementsFile {
		// A plain plist has no signature, so the team came from --team-id.
		return t.TeamID, "--team-id"
	}
	if t.TeamID != "" {
		return t.TeamID, "the code signature"
	}
	if v, ok := t.Entitlements[entitlements.KeyTeamIdentifier].(string); ok && socket.ValidTeamID(v) {
		return v, entitlements.KeyTeamIdentifier
	}
	if v, ok := t.Entitlements[entitlements.KeyApplicationID].(string); ok && socket.TeamPrefix(v) != "" {
		return socket.TeamPrefix(v), entitlements.KeyApplicationID
	}
	return "", ""
}

// groupTeamMismatchText returns the message and team evidence of a group
// whose prefix is not the expected team. Only signed code has a signing
// team. For an entitlements source file the team comes from --team-id or
// from the file's own team entitlements.
func groupTeamMismatchText(t StaticTarget, id, team, teamSource string) (msg, evidence string) {
	switch {
	case t.Kind != entitlements.KindEntitlementsFile:
		return fmt.Sprintf("app group %q is prefixed with Team ID %s, but %s is signed by team %s (from %s): its container belongs to another team",
			id, socket.TeamPrefix(id), describe(t), team, teamSource), "signing team: " + team + " (" + teamSource + ")"
	case teamSource == "--team-id":
		return fmt.Sprintf("app group %q is prefixed with Team ID %s, but the team given with --team-id is %s: its container belongs to another team",
			id, socket.TeamPrefix(id), team), "expected team: " + team + " (--team-id)"
	default:
		return fmt.Sprintf("app group %q is prefixed with Team ID %s, but %s of %s names team %s: its container belongs to another team",
			id, socket.TeamPrefix(id), teamSource, describe(t), team), "expected team: " + team + " (" + teamSource + ")"
	}
}

// profileAuthorises reports whether the profile's group list covers id. A
// profile entry may end in "*" to cover every ID with that prefix.
func profileAuthorises(t StaticTarget, id string) bool {
	if !t.HasProfile {
		return false
	}
	for _, g := range t.ProfileGroups {
		if g == id {
			return true
		}
		if prefix, ok := strings.CutSuffix(g, "*"); ok && strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

func checkGroupPrefixes(t StaticTarget, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	team, teamSource := expectedTeam(t)
	key := entitlements.KeyApplicationGroups

	for _, id := range claimedGroups(t.Entitlements) {
		switch classifyGroup(id) {
		case groupTeamPrefixed:
			if team != "" && socket.TeamPrefix(id) != team {
				msg, teamEvidence := groupTeamMismatchText(t, id, team, teamSource)
				out = append(out, newStatic(groupTeamMismatch, t, opts, key, id, msg,
					"group prefix: "+socket.TeamPrefix(id), teamEvidence))
			}

		case groupIOSStyle, groupWithoutOwnerPrefix:
			if profileAuthorises(t, id) {
				continue
			}
			out = append(out, newStatic(groupNotTeamPrefixed, t, opts, key, id,
				groupPrefixMessage(t, opts.distribution(), id, team), groupPrefixEvidence(t, id, team)...))
		}
	}
	return out
}

// groupPrefixMessage explains what a group ID without the Team ID prefix
// costs: outside the Mac App Store, the macOS 15 prompt before its container
// opens. Mac App Store apps get no such prompt (Apple documentation
// "Accessing app group containers"), so for mas the message names the App
// Store Connect upload requirement instead.
func groupPrefixMessage(t StaticTarget, dist Distribution, id, team string) string {
	mas := dist == DistributionMAS
	var sentences []string
	if classifyGroup(id) == groupIOSStyle {
		if mas {
			sentences = append(sentences, fmt.Sprintf("app group %q is a group.-style ID, so the build's provisioning profile must list it, "+
				"because App Store Connect rejects entitlements that the profile does not authorise (ITMS-90288)", id))
		} else {
			sentences = append(sentences, fmt.Sprintf("app group %q is a group.-style ID, which macOS 15 and later open without a prompt "+
				"only when an embedded provisioning profile lists it", id))
		}
		switch {
		case t.Kind == "entitlements-file":
			sentences = append(sentences, "A source file carries no profile, so check that the signed app embeds one")
		case t.HasProfile:
			sentences = append(sentences, "The embedded profile does not list it")
		default:
			sentences = append(sentences, "The code embeds no profile")
		}
	} else if mas {
		sentences = append(sentences, fmt.Sprintf("app group %q starts with neither a Team ID nor \"group.\", so App Store Connect rejects it (ITMS-90286). "+
			"A Mac App Store app gets no container prompt, so the upload is where this fails", id))
	} else {
		sentences = append(sentences, fmt.Sprintf("app group %q starts with neither a Team ID nor \"group.\", so macOS 15 and later prompt "+
			"before opening its container, and App Store Connect rejects it (ITMS-90286)", id))
	}

	if team != "" {
		sentences = append(sentences, fmt.Sprintf("Use %s.%s instead", team, strings.TrimPrefix(id, "group.")))
	}
	if !isSandboxed(t.Entitlements) && !mas {
		sentences = append(sentences, "The code is not sandboxed, but macOS 15 and later show the prompt for it as well")
	}
	return strings.Join(sentences, ". ")
}

func groupPrefixEvidence(t StaticTarget, id, team string) []string {
	evidence := []string{"group: " + id}
	if team != "" {
		evidence = append(evidence, "signing team: "+team)
	}
	switch {
	case t.HasProfile:
		evidence = append(evidence, "profile groups: "+strings.Join(t.ProfileGroups, ", "))
	case t.Kind == "entitlements-file":
		evidence = append(evidence, "provisioning profile: none in a source file")
	default:
		evidence = append(evidence, "provisioning profile: none embedded")
	}
	return evidence
}

func checkGroupProfile(t StaticTarget, opts StaticOptions) []StaticFinding {
	if !t.HasProfile {
		return nil
	}
	var out []StaticFinding
	team, _ := expectedTeam(t)
	for _, id := range claimedGroups(t.Entitlements) {
		form := classifyGroup(id)
		if form == groupUnresolved || form == groupTeamPlaceholder || profileAuthorises(t, id) {
			continue
		}
		ownTeamPrefix := form == groupTeamPrefixed && (team == "" || socket.TeamPrefix(id) == team)
		if ownTeamPrefix && opts.distribution() != DistributionMAS {
			continue
		}
		listed := "no app groups"
		if len(t.ProfileGroups) > 0 {
			listed = quoteList(t.ProfileGroups)
		}
		msg := fmt.Sprintf("app group %q is not authorised by the embedded provisioning profile, which lists %s", id, listed)
		out = append(out, newStatic(groupNotInProfile, t, opts, entitlements.KeyApplicationGroups, id, msg,
			"group: "+id, "profile groups: "+listed))
	}
	return out
}

// groupContainerOverhead is the length of "/Users/" + "/Library/Group
// Containers/" + "/": the bytes of a group container socket path that are
// neither the user name, the group ID nor the socket name.
const groupContainerOverhead = len("/Users/") + len("/Library/Group Containers/") + len("/")

func checkGroupPathBudget(t StaticTarget, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	user := opts.userNameLength()
	name := opts.socketName()
	for _, id := range claimedGroups(t.Entitlements) {
		groupBytes, ok := expandedGroupLength(id)
		if !ok {
			continue
		}
		total := groupContainerOverhead + user + groupBytes + len(name)
		if total <= socket.MaxPathBytes {
			continue
		}
		left := socket.MaxPathBytes - groupContainerOverhead - user - groupBytes
		msg := fmt.Sprintf("a socket %q in the container of app group %q would take %d bytes for a %d-byte user name, over the %d that sun_path holds; %d bytes are left for the socket name",
			name, id, total, user, socket.MaxPathBytes, max(left, 0))
		out = append(out, newStatic(groupPathBudget, t, opts, entitlements.KeyApplicationGroups, id, msg,
			fmt.Sprintf("path: /Users/<%d bytes>/Library/Group Containers/%s/%s", user, id, name),
			fmt.Sprintf("group ID: %d bytes", groupBytes),
			fmt.Sprintf("budget: user name + group ID + socket name <= %d bytes", socket.MaxPathBytes-groupContainerOverhead)))
	}
	return out
}

// expandedGroupLength returns the length of id once signed: team prefix
// placeholders count as their expansion. ok is false when id holds another
// placeholder, whose length is unknown.
func expandedGroupLength(id string) (n int, ok bool) {
	for _, p := range teamPlaceholders {
		if rest, found := strings.CutPrefix(id, p.prefix); found {
			if len(placeholders(rest)) > 0 {
				return 0, false
			}
			return p.bytes + len(rest), true
		}
	}
	if len(placeholders(id)) > 0 {
		return 0, false
	}
	return len(id), true
}
