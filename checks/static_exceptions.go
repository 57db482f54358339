package checks

import (
	"fmt"
	"strings"

	"github.com/sockdoctor/sockdoctor/entitlements"
)

// Temporary exception entitlements, as defined by application.sb and Apple's
// "App Sandbox Temporary Exception Entitlements" page.

var temporaryExceptionReview = register(&Rule{
	ID:       "temporary-exception-review",
	Severity: SeverityWarning,
	Title:    "Temporary exception entitlement",
	Summary:  "A temporary exception entitlement needs a written justification in App Store Connect and is usually refused.",
	Doc: `## temporary-exception-review

**Meaning.** The entitlements contain a
` + "`com.apple.security.temporary-exception.*`" + ` key. Each one is reported on its own,
with the values App Review will ask about.

**Why macOS behaves so.** Temporary exceptions widen the sandbox beyond what the
regular entitlements allow. For the Mac App Store, the App Sandbox Information
section of App Store Connect asks for each exception how to assess it, why the
app needs it, what it enables, what each array value is for, and, when it works
around a missing sandbox feature, the ID of a Feedback Assistant report. App
Review generally refuses them: "not appropriate and will not be
granted" (electron/electron issues 9757 and 5350), and guideline 2.4.5(i) asks
for the minimum set of entitlements. Outside the store nobody reviews them.
For sockets two facts matter: ` + "`files.*`" + ` exceptions grant file access, which
Apple DTS says does not cover ` + "`connect()`" + ` to a Unix socket (thread 133543), and
` + "`sbpl`" + ` is undocumented profile text.

**Evidence.** Every key with the temporary exception prefix and its values. The
rule stays quiet for ` + "`--distribution developer-id`" + ` because no review takes
place.

**Workaround.**
- Mac App Store: remove the exception where a regular entitlement or an app
  group does the job; otherwise write the justification, naming each value,
  and expect a refusal.
- Developer ID: exceptions work without review; nothing to do.
- Development: decide now whether the build will go to the store.

**Sources.** Apple documentation "App Sandbox Temporary Exception
Entitlements" and App Store Connect help "App Sandbox information"; App Review
Guidelines 2.4.5(i); Apple Developer Forums thread 133543; electron/electron
issues 9757 and 5350.`,
	Workarounds: map[Distribution][]string{
		DistributionMAS:         {"Drop the exception where an entitlement or an app group does the job; otherwise justify each value in App Store Connect and expect a refusal."},
		DistributionDevelopment: {"Decide whether the build goes to the Mac App Store, where this exception needs a justification and is usually refused."},
	},
	References: []string{
		"https://developer.apple.com/library/archive/documentation/Miscellaneous/Reference/EntitlementKeyReference/Chapters/AppSandboxTemporaryExceptionEntitlements.html",
		"https://developer.apple.com/app-store/review/guidelines/#2.4.5",
	},
})

func init() {
	singleTargetChecks = append(singleTargetChecks, checkTemporaryExceptions, checkSBPL)
}

// exceptionQuestions maps each exception to what App Review wants justified.
var exceptionQuestions = map[string]string{
	"apple-events":                        "which apps it sends Apple events to and why the scripting-targets entitlement does not suffice",
	"audio-unit-host":                     "which Audio Unit plug-ins it hosts",
	"iokit-user-client-class":             "which IOKit user clients it opens and for which device",
	"mach-lookup.global-name":             "which global Mach services it looks up, whose they are, and why an XPC service of your own or an app group does not suffice",
	"mach-lookup.local-name":              "which local Mach services it looks up",
	"mach-register.global-name":           "which global Mach services it registers and why an app group name does not suffice",
	"mach-register.local-name":            "which local Mach services it registers",
	"files.home-relative-path.read-only":  "why each folder under the home folder is needed and why the Open panel or a security-scoped bookmark does not suffice",
	"files.home-relative-path.read-write": "why each folder under the home folder is written and why the Open panel or a security-scoped bookmark does not suffice",
	"files.absolute-path.read-only":       "why each absolute path is needed and why the Open panel or a security-scoped bookmark does not suffice",
	"files.absolute-path.read-write":      "why each absolute path is written and why the Open panel or a security-scoped bookmark does not suffice",
	"shared-preference.read-only":         "whose preference domains it reads",
	"shared-preference.read-write":        "whose preference domains it writes",
	"sbpl":                                "what each sandbox profile rule allows; this exception is undocumented and approval is case by case",
}

func checkTemporaryExceptions(t StaticTarget, opts StaticOptions) []StaticFinding {
	if opts.distribution() == DistributionDeveloperID {
		return nil
	}
	var out []StaticFinding
	for _, key := range t.Entitlements.Keys() {
		name, ok := strings.CutPrefix(key, entitlements.TemporaryExceptionPrefix)
		if !ok {
			continue
		}
		values := stringsIn(t.Entitlements[key])

		question, known := exceptionQuestions[name]
		if !known {
			question = "what it needs this exception for"
		}
		// The message stays one short line with the key and values. The
		// rule's documentation covers App Store Connect's questionnaire, and
		// the question for this key becomes a workaround step.
		msg := "temporary exception " + name
		if len(values) > 0 {
			msg += fmt.Sprintf(" (%d %s: %s)", len(values), plural(len(values), "value", "values"), quoteList(values))
		}
		msg += " needs a justification in App Store Connect"
		if strings.HasPrefix(name, "files.") {
			msg += "; file exceptions do not grant connect() to a Unix socket in those folders"
		}
		evidence := []string{"key: " + key}
		for _, v := range values {
			evidence = append(evidence, "value: "+v)
		}
		f := newStatic(temporaryExceptionReview, t, opts, key, "", msg, evidence...)
		f.Workaround = append(f.Workaround, "In App Store Connect, answer "+question+
			"; also say how to assess the exception and what it enables, with a Feedback Assistant ID if it works around a missing sandbox feature.")
		out = append(out, f)
	}
	return out
}

// checkSBPL reports each sbpl exception string under the sbpl-exception rule
// of the sandbox reach catalog, which judges sbpl text against a socket.
// Static linting has no socket, so every string is reported.
func checkSBPL(t StaticTarget, opts StaticOptions) []StaticFinding {
	rule, ok := Lookup("sbpl-exception")
	if !ok {
		return nil
	}
	var out []StaticFinding
	for _, text := range stringsIn(t.Entitlements[entitlements.KeySBPL]) {
		msg := fmt.Sprintf("sbpl exception adds sandbox profile text %q: it works technically, but App Review is likely to refuse it", text)
		if opts.distribution() == DistributionDeveloperID {
			msg = fmt.Sprintf("sbpl exception adds sandbox profile text %q: outside the Mac App Store this is a working way to reach the socket", text)
		}
		out = append(out, newStatic(rule, t, opts, entitlements.KeySBPL, text, msg, "sbpl: "+text))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
