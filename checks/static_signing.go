package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sockdoctor/sockdoctor/entitlements"
)

// Rules about how the entitlements were written and signed: placeholders
// left by the build, XML and DER blobs that disagree, ad-hoc signatures and
// values of the wrong type.

var unresolvedPlaceholder = register(&Rule{
	ID:       "unresolved-placeholder",
	Severity: SeverityWarning,
	Title:    "Build setting placeholder in the entitlements",
	Summary:  "An entitlement value still contains a $(VAR) build setting reference.",
	Doc: `## unresolved-placeholder

**Meaning.** An entitlement value contains an Xcode build setting reference
such as ` + "`$(TeamIdentifierPrefix)`" + ` or ` + "`$(APP_GROUP_ID)`" + ` that was not
substituted.

**Why macOS behaves so.** Xcode expands build settings when it signs the app.
In a source file that is expected, but sockdoctor cannot judge a group ID or a
path it cannot see, so rules that need the value skip it. In a signed app the
placeholder is literal text: macOS then looks for a group container named
` + "`$(APP_GROUP_ID)`" + `, which no other component claims.

**Evidence.** Every string value, including strings inside arrays, scanned for
` + "`$(NAME)`" + `, ` + "`$(NAME:modifier)`" + ` and ` + "`${NAME}`" + ` after the ` + "`--var`" + `
substitutions.

**Workaround.** The same for every channel: pass ` + "`--var NAME=VALUE`" + ` for each
build setting (` + "`--var TeamIdentifierPrefix=ABCDE12345.`" + `), or lint the built
app, whose signature carries the expanded values. If a signed app still holds
a placeholder, define the build setting in the target that signs it.

**Sources.** Xcode build settings reference ("TeamIdentifierPrefix",
"AppIdentifierPrefix", "DEVELOPMENT_TEAM"); ` + "`codesign -d --entitlements - --xml App.app`" + `
prints what was signed.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {
			"Pass --var NAME=VALUE for each build setting, or lint the built app.",
			"If a signed app still holds a placeholder, define the build setting in the target that signs it.",
		},
	},
})

var derMismatch = register(&Rule{
	ID:       "entitlements-der-mismatch",
	Severity: SeverityError,
	Title:    "XML and DER entitlements disagree",
	Summary:  "The XML and DER entitlement blobs of one code signature hold different entitlements.",
	Doc: `## entitlements-der-mismatch

**Meaning.** A code signature carries entitlements twice, as an XML plist blob
and as a DER blob, and the two do not hold the same keys and values.

**Why macOS behaves so.** Since macOS 12 the kernel and AMFI read the DER blob,
while many tools (and older systems) read the XML. When they differ, what
` + "`codesign -d --entitlements -`" + ` prints is not what the sandbox enforces, and the
code may fail to launch. Such signatures come from tools that edit one blob
and not the other.

**Evidence.** For every slice of the Mach-O, both blobs decoded and compared
key by key.

**Workaround.** The same for every channel: re-sign with current
` + "`codesign`" + ` (which writes both blobs from one source), or with a tool that
writes the DER blob; never patch one blob alone.

**Sources.** Apple documentation "Using the latest code signature format";
xnu ` + "`osfmk/kern/cs_blobs.h`" + ` (CSSLOT_DER_ENTITLEMENTS).`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Re-sign with current codesign so both entitlement blobs come from one source."},
	},
	References: []string{"https://developer.apple.com/documentation/xcode/using-the-latest-code-signature-format"},
})

var adHocSignature = register(&Rule{
	ID:       "ad-hoc-signature",
	Severity: SeverityWarning,
	Title:    "Ad-hoc signature",
	Summary:  "The code is ad-hoc signed: it has no team, so Team-ID-prefixed groups cannot validate.",
	Doc: `## ad-hoc-signature

**Meaning.** The code signature has no signing certificate and no Team ID.

**Why macOS behaves so.** macOS 15 and later let code into a group container
without a prompt when the group ID starts with the code's Team ID or a
provisioning profile authorises it. Ad-hoc signed code has neither, so every
group it claims meets the "would like to access data from other apps" prompt
and macOS 26 logs ` + "`containermanagerd ... REJECTED`" + `. A socket shared through the
group container then fails. Ad-hoc signing is fine for local tests of the
sandbox itself: the app still runs sandboxed in its own container.

**Evidence.** The signature's CMS blob (absent or without a signer) and the
empty Team ID of the code directory.

**Workaround.**
- Mac App Store: sign with an Apple Distribution certificate.
- Developer ID: sign with a Developer ID Application certificate and notarize.
- Development: sign with an Apple Development certificate, so the team
  prefix of the groups matches.

**Sources.** Apple documentation "Accessing app group containers";
xykong/flux-markdown issue 13; steipete/CodexBar issue 121.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Sign with an Apple Distribution certificate."},
		DistributionDeveloperID: {"Sign with a Developer ID Application certificate and notarize."},
		DistributionDevelopment: {"Sign with an Apple Development certificate so the team prefix of the groups matches."},
	},
})

var wrongType = register(&Rule{
	ID:       "entitlement-wrong-type",
	Severity: SeverityError,
	Title:    "Entitlement value of the wrong type",
	Summary:  "A sandbox entitlement holds a value of a type the sandbox does not read, so it has no effect.",
	Doc: `## entitlement-wrong-type

**Meaning.** An entitlement the App Sandbox reads has a value of the wrong
type: ` + "`com.apple.security.app-sandbox`" + ` (or another on/off entitlement) is not
a boolean, ` + "`com.apple.security.application-groups`" + ` is a string instead of an
array of strings, or an array holds something other than strings.

**Why macOS behaves so.** The sandbox profile (` + "`application.sb`" + `) tests boolean
entitlements for the value true and iterates over array entitlements. A
` + "`<string>YES</string>`" + ` is not true, so the feature stays off, and a single
string where an array is expected claims no group. The build succeeds, and the
failure shows up only at run time, as a denied socket or an AMFI launch error.

**Evidence.** The decoded type of each of these keys: app-sandbox, inherit,
network.client, network.server, print, files.user-selected.*,
files.bookmarks.* (boolean); application-groups (array of strings); every
temporary exception (string or array of strings).

**Workaround.** The same for every channel: write ` + "`<true/>`" + ` for on/off
entitlements and an ` + "`<array>`" + ` of ` + "`<string>`" + ` for groups.

**Sources.** Apple documentation "App Sandbox" entitlement reference (the
type of each key); ` + "`/System/Library/Sandbox/Profiles/application.sb`" + ` of macOS
14.4.1 as published in the Protonk/SANDBOX_LORE repository.`,
	Workarounds: map[Distribution][]string{
		DistributionUnknown: {"Write <true/> for on/off entitlements and an <array> of <string> values for groups and exceptions."},
	},
	References: []string{"https://developer.apple.com/documentation/security/app-sandbox"},
})

func init() {
	singleTargetChecks = append(singleTargetChecks, checkPlaceholders, checkDERMismatch, checkAdHoc, checkWrongTypes)
}

func checkPlaceholders(t StaticTarget, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	for _, key := range t.Entitlements.Keys() {
		for _, s := range stringsIn(t.Entitlements[key]) {
			names := placeholders(s)
			if len(names) == 0 {
				continue
			}
			msg := fmt.Sprintf("%s holds %q with unresolved build setting %s; pass --var %s=VALUE or lint the built app",
				key, s, strings.Join(uniqueSorted(names), ", "), names[0])
			if t.Kind != "" && t.Kind != entitlements.KindEntitlementsFile {
				msg = fmt.Sprintf("the signed %s holds %q: build setting %s was not expanded, so macOS reads the placeholder literally; define it in the target that signs %s",
					key, s, strings.Join(uniqueSorted(names), ", "), describe(t))
			}
			out = append(out, newStatic(unresolvedPlaceholder, t, opts, key, s, msg, "value: "+s))
		}
	}
	return out
}

// stringsIn returns the strings in v, looking into arrays and dictionaries.
func stringsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, item := range v {
			out = append(out, stringsIn(item)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			out = append(out, stringsIn(v[k])...)
		}
		return out
	}
	return nil
}

func uniqueSorted(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range items {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func checkDERMismatch(t StaticTarget, opts StaticOptions) []StaticFinding {
	if len(t.DERMismatches) == 0 {
		return nil
	}
	msg := fmt.Sprintf("the XML and DER entitlements of %s disagree: %s", describe(t), strings.Join(t.DERMismatches, "; "))
	return []StaticFinding{newStatic(derMismatch, t, opts, "", "", msg, t.DERMismatches...)}
}

func checkAdHoc(t StaticTarget, opts StaticOptions) []StaticFinding {
	if t.Signature != "ad-hoc" {
		return nil
	}
	groups := claimedGroups(t.Entitlements)
	msg := fmt.Sprintf("%s is ad-hoc signed and has no Team ID", describe(t))
	if len(groups) > 0 {
		msg += fmt.Sprintf(", so macOS 15 and later prompt before it opens the containers of %s", quoteList(groups))
	}
	return []StaticFinding{newStatic(adHocSignature, t, opts, "", "", msg, "signature: ad-hoc", "team: none")}
}

// booleanKeys are the on/off entitlements the sandbox profile reads.
var booleanKeys = []string{
	entitlements.KeyAppSandbox,
	entitlements.KeyInherit,
	entitlements.KeyNetworkClient,
	entitlements.KeyNetworkServer,
	entitlements.KeyPrint,
	"com.apple.security.files.user-selected.read-only",
	"com.apple.security.files.user-selected.read-write",
	"com.apple.security.files.user-selected.executable",
	"com.apple.security.files.bookmarks.app-scope",
	"com.apple.security.files.bookmarks.document-scope",
}

func checkWrongTypes(t StaticTarget, opts StaticOptions) []StaticFinding {
	var out []StaticFinding
	add := func(key, value, message string) {
		out = append(out, newStatic(wrongType, t, opts, key, value, message, fmt.Sprintf("%s: %s", key, value)))
	}

	for _, key := range booleanKeys {
		v, present := t.Entitlements[key]
		if _, isBool := v.(bool); present && !isBool {
			add(key, describeValue(v), fmt.Sprintf("%s is %s, not a boolean, so the sandbox reads it as false; write <true/>", key, describeValue(v)))
		}
	}

	if v, present := t.Entitlements[entitlements.KeyApplicationGroups]; present {
		if msg := stringArrayProblem(v, false); msg != "" {
			add(entitlements.KeyApplicationGroups, describeValue(v), fmt.Sprintf("%s %s; the sandbox expects an array of strings, so no group is claimed", entitlements.KeyApplicationGroups, msg))
		}
	}

	for _, key := range t.Entitlements.Keys() {
		if !strings.HasPrefix(key, entitlements.TemporaryExceptionPrefix) {
			continue
		}
		if msg := stringArrayProblem(t.Entitlements[key], true); msg != "" {
			add(key, describeValue(t.Entitlements[key]), fmt.Sprintf("%s %s; the sandbox expects a string or an array of strings", key, msg))
		}
	}
	return out
}

// stringArrayProblem describes how v fails to be an array of strings, or
// returns "" when it is one. allowString accepts a single string too.
func stringArrayProblem(v any, allowString bool) string {
	switch v := v.(type) {
	case string:
		if allowString {
			return ""
		}
		return fmt.Sprintf("is the string %q", v)
	case []any:
		for i, item := range v {
			if _, ok := item.(string); !ok {
				return fmt.Sprintf("holds %s at index %d", describeValue(item), i)
			}
		}
		return ""
	}
	return "is " + describeValue(v)
}

// describeValue names the plist type of v, with the value for scalars.
func describeValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("the boolean %t", v)
	case []any:
		return fmt.Sprintf("an array of %d items", len(v))
	case map[string]any:
		return "a dictionary"
	case []byte:
		return "data"
	case uint64, int64, int, float64:
		return fmt.Sprintf("the number %v", v)
	}
	return fmt.Sprintf("a value of type %T", v)
}
