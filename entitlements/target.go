package entitlements

import "time"

// SignatureKind is the kind of code signature, derived from the code
// directory flags and the common name of the CMS leaf certificate.
type SignatureKind string

// Signature kinds. Apple names its certificates by purpose, so the prefix
// of the leaf certificate's common name decides the kind.
const (
	SignatureDeveloperID SignatureKind = "developer-id" // "Developer ID Application: ..."
	SignatureAppStore    SignatureKind = "app-store"    // "Apple Distribution: ...", "3rd Party Mac Developer Application: ..."
	SignatureDevelopment SignatureKind = "development"  // "Apple Development: ...", "Mac Developer: ..."
	SignatureAdHoc       SignatureKind = "ad-hoc"       // ad-hoc flag set, or no CMS signer
	SignatureUnsigned    SignatureKind = "unsigned"     // no LC_CODE_SIGNATURE
	SignatureUnknown     SignatureKind = "unknown"      // a signer whose name matches none of the above
)

// Target kinds, as Load detects them.
const (
	KindApp              = "app"               // any bundle: .app, .appex, .xpc, .framework
	KindMachO            = "macho"             // a thin or fat Mach-O file
	KindEntitlementsFile = "entitlements-file" // a plist: .entitlements, .plist, .xcent
	KindProfile          = "profile"           // a CMS-signed provisioning profile
)

// Slice is the signature of one architecture slice of a Mach-O file.
type Slice struct {
	Arch       string   // "arm64", "x86_64", ...
	Identifier string   // code directory identifier
	TeamID     string   // code directory Team ID, "" when absent
	Flags      []string // code directory flags, e.g. "adhoc", "linker-signed", "runtime"
	HashType   string   // hash type of the primary code directory, e.g. "sha256"
	Signed     bool     // the slice has an LC_CODE_SIGNATURE

	XML    Dict // entitlements from the XML blob, nil when the blob is absent
	DER    Dict // entitlements from the DER blob, nil when the blob is absent
	HasXML bool
	HasDER bool

	// Mismatches lists the key-by-key differences between XML and DER,
	// sorted by key; empty when they agree or when either blob is absent.
	Mismatches []string

	SignerCommonName string // leaf certificate CN from the CMS blob, "" for ad hoc
	// SignerError is the reason the CMS blob could not be read. Signature
	// is then SignatureUnknown.
	SignerError string
	Signature   SignatureKind
}

// Entitlements returns the slice's effective entitlements: the XML blob,
// or the DER blob when the XML one is absent.
func (s *Slice) Entitlements() Dict {
	if s.HasXML {
		return s.XML
	}
	return s.DER
}

// Profile is the content of a provisioning profile.
type Profile struct {
	Name         string
	TeamID       string    // first TeamIdentifier
	Platforms    []string  // "OSX", "iOS", ...
	Expires      time.Time // ExpirationDate
	Groups       []string  // application groups the profile authorises
	Entitlements Dict      // the Entitlements dictionary the profile authorises
}

// Target is everything Load read from one input.
type Target struct {
	Path string
	Kind string // KindApp, KindMachO, KindEntitlementsFile or KindProfile

	BundleID   string // CFBundleIdentifier, or the code directory identifier
	TeamID     string // Team ID from the signature (the profile's for a profile)
	Executable string // main executable path, for bundles

	Signature SignatureKind

	// Entitlements are the effective entitlements: those of the selected
	// slice, else of the first signed slice, else the plist's.
	Entitlements Dict
	Slices       []Slice

	Profile *Profile // embedded provisioning profile, nil if none

	// Unresolved lists the $(VAR) placeholders left after substitution,
	// sorted and without duplicates.
	Unresolved []string
}

// LoadOptions adjusts what Load reads.
type LoadOptions struct {
	// Vars substitutes Xcode build settings, e.g. "TeamIdentifierPrefix".
	Vars map[string]string
	// Slice selects one architecture by name; "" reads every slice and
	// takes the effective entitlements from the first signed one.
	Slice string
}

// Distribution returns the likely distribution channel: "mas",
// "developer-id", "development" or "unknown". It follows the signing
// certificate only, because that is what the built code carries.
func (t *Target) Distribution() string {
	switch t.Signature {
	case SignatureAppStore:
		return "mas"
	case SignatureDeveloperID:
		return "developer-id"
	case SignatureDevelopment:
		return "development"
	}
	return "unknown"
}
