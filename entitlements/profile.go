package entitlements

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/smallstep/pkcs7"
	"howett.net/plist"

	"github.com/sockdoctor/sockdoctor/internal/plistcheck"
)

// ErrPlainProfile is returned for a provisioning profile that is a plain
// property list instead of a CMS-signed one, a fake that build-system test
// suites ship. Profiles from Apple are CMS-signed.
var ErrPlainProfile = errors.New("the provisioning profile is a plain property list, not CMS-signed as profiles from Apple are")

// profileFields are the keys of a provisioning profile that Load reads.
type profileFields struct {
	Name           string         `plist:"Name"`
	TeamIdentifier []string       `plist:"TeamIdentifier"`
	Platform       []string       `plist:"Platform"`
	ExpirationDate time.Time      `plist:"ExpirationDate"`
	Entitlements   map[string]any `plist:"Entitlements"`
}

// ParseProfile reads a provisioning profile (.provisionprofile or
// .mobileprovision): a CMS SignedData whose content is a property list. The
// CMS signature is not verified: this reads what the profile claims.
func ParseProfile(data []byte) (*Profile, error) {
	if len(data) == 0 {
		return nil, errEmptyInput
	}
	if data[0] != 0x30 {
		if looksLikePlainProfile(data) {
			return nil, ErrPlainProfile
		}
		return nil, errors.New("not a provisioning profile: expected a CMS SignedData (DER SEQUENCE)")
	}
	if err := checkBER(data); err != nil {
		return nil, fmt.Errorf("invalid provisioning profile: %w", err)
	}
	p7, err := pkcs7.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("invalid provisioning profile: the CMS wrapper does not parse: %w", describeCMSError(err))
	}
	if len(p7.Content) == 0 {
		return nil, errors.New("invalid provisioning profile: the CMS wrapper has no content")
	}

	if err := plistcheck.Check(p7.Content); err != nil {
		return nil, fmt.Errorf("invalid provisioning profile: the signed content: %w", err)
	}
	var fields profileFields
	if _, err := plist.Unmarshal(p7.Content, &fields); err != nil {
		return nil, fmt.Errorf("invalid provisioning profile: the signed content is not a profile property list: %w", err)
	}
	profile := &Profile{
		Name:         fields.Name,
		Platforms:    fields.Platform,
		Expires:      fields.ExpirationDate,
		Entitlements: Dict(fields.Entitlements),
	}
	if profile.Entitlements == nil {
		profile.Entitlements = Dict{}
	}
	if len(fields.TeamIdentifier) > 0 {
		profile.TeamID = fields.TeamIdentifier[0]
	}
	if groups, ok := profile.Entitlements.Strings(KeyApplicationGroups); ok {
		profile.Groups = groups
	}
	return profile, nil
}

// looksLikePlainProfile reports whether data is a property list with the
// keys only a provisioning profile has.
func looksLikePlainProfile(data []byte) bool {
	markers := [][]byte{[]byte("<key>ProvisionedDevices</key>"), []byte("<key>DeveloperCertificates</key>"),
		[]byte("<key>ProvisionsAllDevices</key>"), []byte("<key>ExpirationDate</key>")}
	found := 0
	for _, marker := range markers {
		if bytes.Contains(data, marker) {
			found++
		}
	}
	return found >= 2
}
