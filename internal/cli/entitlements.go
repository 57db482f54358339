package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
)

func init() {
	subcommands = append(subcommands, newEntitlementsCommand)
}

// entitlementsOptions are the flags of "sockdoctor entitlements".
type entitlementsOptions struct {
	Path   string
	Format string
	Slice  string
	Vars   []string
}

func newEntitlementsCommand(streams *IO) *cobra.Command {
	opts := &entitlementsOptions{}
	cmd := &cobra.Command{
		Use:   "entitlements PATH",
		Short: "Print the signed entitlements of a bundle, Mach-O file, plist or profile",
		Long: `Print the entitlements of PATH with the signing facts sockdoctor reads from it.

PATH may be an .app, .appex, .xpc or .framework bundle, a thin or fat Mach-O
file, an entitlements property list (XML, binary or OpenStep), or a
provisioning profile. For Mach-O code every architecture slice is printed with
its identifier, Team ID, flags, signer, signature kind, and whether the XML
and DER entitlements blobs agree.

The plist format starts with "# " summary lines, followed by one XML property
list per slice. The json format is stable and documented in the README.`,
		Example: `  sockdoctor entitlements Build/MyApp.app
  sockdoctor entitlements --format json --slice arm64 Build/MyApp.app/Contents/MacOS/MyApp
  sockdoctor entitlements --var TeamIdentifierPrefix=ABCDE12345. MyApp/MyApp.entitlements`,
		Args: exactArgs(1, "one .app, .appex, .xpc or .framework bundle, Mach-O file, entitlements plist or provisioning profile"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			vars, err := parseVars(opts.Vars)
			if err != nil {
				return err
			}
			if opts.Format != "plist" && opts.Format != "json" {
				return inputErrorf("pass plist or json", "invalid --format %q", opts.Format)
			}
			return runEntitlements(streams, opts, vars)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "plist", "output format: plist or json")
	f.StringVar(&opts.Slice, "slice", "", "print only this architecture of a fat file, e.g. arm64 or x86_64")
	f.StringArrayVar(&opts.Vars, "var", nil, "substitute the Xcode build setting NAME=VALUE in $(NAME) placeholders (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"plist", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// parseVars turns repeated NAME=VALUE flags into a map.
func parseVars(flags []string) (map[string]string, error) {
	vars := map[string]string{}
	for _, flag := range flags {
		name, value, ok := strings.Cut(flag, "=")
		if !ok || name == "" {
			return nil, inputErrorf("pass --var NAME=VALUE, e.g. --var TeamIdentifierPrefix=ABCDE12345.", "invalid --var %q: expected NAME=VALUE", flag)
		}
		vars[name] = value
	}
	return vars, nil
}

func runEntitlements(streams *IO, opts *entitlementsOptions, vars map[string]string) error {
	target, err := entitlements.Load(opts.Path, entitlements.LoadOptions{Vars: vars, Slice: opts.Slice})
	if err != nil {
		var loadErr *entitlements.LoadError
		if errors.As(err, &loadErr) {
			return &InputError{Err: err, Hint: loadErr.Hint}
		}
		return &InputError{Err: err}
	}
	if levels := targetIndentLevels(target); levels > maxIndentLevels {
		return inputErrorf("entitlements nest a few levels and hold tens of values; check that this is the entitlements file the build uses",
			"cannot print the entitlements of %q: their values nest so deep and wide that the output would indent %d times, more than the %d allowed", opts.Path, levels, maxIndentLevels)
	}

	if opts.Format == "json" {
		err = writeEntitlementsJSON(streams.Out, target)
	} else {
		err = writeEntitlementsPlist(streams.Out, target)
	}
	if err != nil {
		return writeErrorf(err)
	}
	return nil
}

// maxIndentLevels bounds the indentation strings both formats print.
// Nesting stops at 128 levels, but a wide list at that depth still prints
// over 100 bytes of indentation per input value. At one tab or two spaces
// per level, the cap is 16 to 32 MB.
const maxIndentLevels = 16 << 20

// targetIndentLevels returns the indentation strings the output of t
// contains, over all its entitlements dictionaries.
func targetIndentLevels(t *entitlements.Target) int64 {
	levels := entitlements.IndentLevels(t.Entitlements)
	for _, s := range t.Slices {
		levels += entitlements.IndentLevels(s.Entitlements())
	}
	if t.Profile != nil {
		levels += entitlements.IndentLevels(t.Profile.Entitlements)
	}
	return levels
}

// entitlementsJSON is the stable --format json shape; see the README.
type entitlementsJSON struct {
	SchemaVersion string            `json:"schema_version"`
	Path          string            `json:"path"`
	Kind          string            `json:"kind"`
	BundleID      string            `json:"bundle_id"`
	TeamID        string            `json:"team_id"`
	Executable    string            `json:"executable"`
	Signature     string            `json:"signature"`
	Distribution  string            `json:"distribution"`
	Entitlements  entitlements.Dict `json:"entitlements"`
	Unresolved    []string          `json:"unresolved"`
	Slices        []sliceJSON       `json:"slices"`
	Profile       *profileJSON      `json:"profile"`
}

type sliceJSON struct {
	Arch         string            `json:"arch"`
	Signed       bool              `json:"signed"`
	Identifier   string            `json:"identifier"`
	TeamID       string            `json:"team_id"`
	Flags        []string          `json:"flags"`
	HashType     string            `json:"hash_type"`
	Signer       string            `json:"signer"`
	SignerError  string            `json:"signer_error,omitempty"`
	Signature    string            `json:"signature"`
	HasXML       bool              `json:"has_xml"`
	HasDER       bool              `json:"has_der"`
	XMLDERAgree  bool              `json:"xml_der_agree"`
	Mismatches   []string          `json:"mismatches"`
	Entitlements entitlements.Dict `json:"entitlements"`
}

type profileJSON struct {
	Name         string            `json:"name"`
	TeamID       string            `json:"team_id"`
	Platforms    []string          `json:"platforms"`
	Expires      string            `json:"expires"`
	Groups       []string          `json:"groups"`
	Entitlements entitlements.Dict `json:"entitlements"`
}

func writeEntitlementsJSON(w io.Writer, t *entitlements.Target) error {
	out := entitlementsJSON{
		SchemaVersion: "1",
		Path:          t.Path,
		Kind:          t.Kind,
		BundleID:      t.BundleID,
		TeamID:        t.TeamID,
		Executable:    t.Executable,
		Signature:     string(t.Signature),
		Distribution:  t.Distribution(),
		Entitlements:  nonNilDict(t.Entitlements),
		Unresolved:    nonNilStrings(t.Unresolved),
		Slices:        []sliceJSON{},
	}
	for _, s := range t.Slices {
		out.Slices = append(out.Slices, sliceJSON{
			Arch:         s.Arch,
			Signed:       s.Signed,
			Identifier:   s.Identifier,
			TeamID:       s.TeamID,
			Flags:        nonNilStrings(s.Flags),
			HashType:     s.HashType,
			Signer:       s.SignerCommonName,
			SignerError:  s.SignerError,
			Signature:    string(s.Signature),
			HasXML:       s.HasXML,
			HasDER:       s.HasDER,
			XMLDERAgree:  xmlDERAgree(s),
			Mismatches:   nonNilStrings(s.Mismatches),
			Entitlements: nonNilDict(s.Entitlements()),
		})
	}
	if p := t.Profile; p != nil {
		out.Profile = &profileJSON{
			Name:         p.Name,
			TeamID:       p.TeamID,
			Platforms:    nonNilStrings(p.Platforms),
			Expires:      p.Expires.UTC().Format(time.RFC3339),
			Groups:       nonNilStrings(p.Groups),
			Entitlements: nonNilDict(p.Entitlements),
		}
	}

	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	encoder.SetEscapeHTML(false)
	return encoder.Encode(out)
}

// xmlDERAgree reports whether both blobs are present and equal. A slice
// with one blob only does not "agree": the kernel and user space then read
// different sources.
func xmlDERAgree(s entitlements.Slice) bool {
	return s.HasXML && s.HasDER && len(s.Mismatches) == 0
}

func writeEntitlementsPlist(w io.Writer, t *entitlements.Target) error {
	var b strings.Builder
	writeComment(&b, "%s: %s", t.Path, describeTarget(t))
	if len(t.Unresolved) > 0 {
		writeComment(&b, "unresolved placeholders: %s (pass --var NAME=VALUE)", strings.Join(t.Unresolved, ", "))
	}
	if p := t.Profile; p != nil {
		writeComment(&b, "embedded profile %q: team %s, platforms %s, expires %s, groups %s",
			p.Name, orNone(p.TeamID), orNone(strings.Join(p.Platforms, ", ")), p.Expires.UTC().Format(time.RFC3339), orNone(strings.Join(p.Groups, ", ")))
	}

	if len(t.Slices) == 0 {
		if err := writePlist(&b, t.Entitlements); err != nil {
			return err
		}
	}
	for _, s := range t.Slices {
		writeComment(&b, "%s", describeSlice(s))
		if !s.Signed {
			continue
		}
		if err := writePlist(&b, s.Entitlements()); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeComment writes a "# " line with control characters and invalid
// UTF-8 escaped, because bundle IDs, identifiers and paths come from the
// input and could otherwise move the cursor or rewrite the terminal.
func writeComment(b *strings.Builder, format string, args ...any) {
	b.WriteString("# ")
	b.WriteString(report.Printable(fmt.Sprintf(format, args...)))
	b.WriteString("\n")
}

func describeTarget(t *entitlements.Target) string {
	parts := []string{t.Kind}
	if t.BundleID != "" {
		parts = append(parts, t.BundleID)
	}
	parts = append(parts, "team "+orNone(t.TeamID))
	if t.Kind != entitlements.KindEntitlementsFile && t.Kind != entitlements.KindProfile {
		parts = append(parts, "signature "+string(t.Signature), "distribution "+t.Distribution())
	}
	if t.Kind == entitlements.KindApp && t.Executable != "" {
		if rel, err := filepath.Rel(t.Path, t.Executable); err == nil {
			parts = append(parts, "executable "+filepath.ToSlash(rel))
		}
	}
	return strings.Join(parts, ", ")
}

func describeSlice(s entitlements.Slice) string {
	if !s.Signed {
		return s.Arch + ": unsigned (no LC_CODE_SIGNATURE)"
	}
	parts := []string{
		"identifier " + s.Identifier,
		"team " + orNone(s.TeamID),
		"signature " + string(s.Signature),
	}
	if s.SignerCommonName != "" {
		parts = append(parts, fmt.Sprintf("signer %q", s.SignerCommonName))
	}
	if s.SignerError != "" {
		parts = append(parts, "signer unreadable: "+s.SignerError)
	}
	parts = append(parts, "flags "+orNone(strings.Join(s.Flags, ",")), "hash "+s.HashType, blobAgreement(s))
	return s.Arch + ": " + strings.Join(parts, ", ")
}

// blobAgreement describes the XML and DER blobs of a slice.
func blobAgreement(s entitlements.Slice) string {
	switch {
	case s.HasXML && s.HasDER && len(s.Mismatches) == 0:
		return "XML and DER agree"
	case s.HasXML && s.HasDER:
		return "XML and DER DIFFER: " + strings.Join(s.Mismatches, "; ")
	case s.HasXML:
		return "XML only (no DER blob)"
	case s.HasDER:
		return "DER only (no XML blob)"
	}
	return "no entitlements blobs"
}

// writePlist writes d as an XML property list, after a "# note:" line when
// the XML cannot carry some of its text unchanged.
func writePlist(b *strings.Builder, d entitlements.Dict) error {
	if entitlements.HasNonXMLText(d) {
		writeComment(b, "note: some keys or strings contain control characters or invalid UTF-8, which XML 1.0 cannot carry, so they print as U+FFFD; --format json shows control characters as \\u escapes")
	}
	data, err := entitlements.EncodePlist(d)
	if err != nil {
		return err
	}
	b.WriteString(escapeXMLForTerminal(string(data)))
	b.WriteString("\n")
	return nil
}

// escapeXMLForTerminal writes the characters XML 1.0 allows but terminals
// act on (DEL, C1 controls such as U+009B, and Unicode bidi controls) as
// numeric character references, which decode to the same text. The markup
// is ASCII, so these characters only occur in keys and strings.
func escapeXMLForTerminal(xml string) string {
	if !strings.ContainsFunc(xml, isTerminalControl) {
		return xml
	}
	var b strings.Builder
	for _, r := range xml {
		if isTerminalControl(r) {
			fmt.Fprintf(&b, "&#x%X;", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isTerminalControl(r rune) bool {
	return (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func nonNilStrings(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}

func nonNilDict(d entitlements.Dict) entitlements.Dict {
	if d == nil {
		return entitlements.Dict{}
	}
	return d
}
