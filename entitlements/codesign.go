package entitlements

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/smallstep/pkcs7"
)

// Code signing blob layout, from XNU's osfmk/kern/cs_blobs.h. An embedded
// signature is a SuperBlob: magic, length, count, then count index entries
// of slot type and offset. Every blob starts with a big-endian magic and
// length.
const (
	magicSuperBlob       = 0xfade0cc0
	magicCodeDirectory   = 0xfade0c02
	magicEntitlements    = 0xfade7171
	magicEntitlementsDER = 0xfade7172
	magicBlobWrapper     = 0xfade0b01

	slotCodeDirectory    = 0
	slotEntitlements     = 5
	slotEntitlementsDER  = 7
	slotAlternateCDFirst = 0x1000
	slotAlternateCDLast  = 0x1004
	slotCMSSignature     = 0x10000

	blobHeaderSize      = 8
	superBlobHeaderSize = 12
	blobIndexSize       = 8
	// codeDirectoryBase is the CodeDirectory header up to and including
	// spare2, present in every version.
	codeDirectoryBase = 44
)

// Code directory flags and the names codesign(1) prints for them.
var codeDirectoryFlags = []struct {
	bit  uint32
	name string
}{
	{0x00000002, "adhoc"},
	{0x00000100, "hard"},
	{0x00000200, "kill"},
	{0x00000400, "expires"},
	{0x00000800, "restrict"},
	{0x00001000, "enforcement"},
	{0x00002000, "library-validation"},
	{0x00010000, "runtime"},
	{0x00020000, "linker-signed"},
}

// Hash type names from cs_blobs.h (CS_HASHTYPE_*).
var hashTypes = map[uint8]string{
	1: "sha1",
	2: "sha256",
	3: "sha256-truncated",
	4: "sha384",
}

// parseSignature fills slice from the LC_CODE_SIGNATURE region data.
func parseSignature(slice *Slice, data []byte) error {
	if len(data) < superBlobHeaderSize {
		return fmt.Errorf("code signature is %d bytes, too short for a SuperBlob header", len(data))
	}
	if magic := binary.BigEndian.Uint32(data); magic != magicSuperBlob {
		return fmt.Errorf("code signature has magic 0x%08x (expected the embedded signature SuperBlob 0x%08x)", magic, magicSuperBlob)
	}
	length := binary.BigEndian.Uint32(data[4:])
	count := binary.BigEndian.Uint32(data[8:])
	if uint64(length) > uint64(len(data)) || length < superBlobHeaderSize {
		return fmt.Errorf("code signature SuperBlob declares %d bytes, but the LC_CODE_SIGNATURE region is %d bytes", length, len(data))
	}
	data = data[:length]
	if uint64(count)*blobIndexSize > uint64(length-superBlobHeaderSize) {
		return fmt.Errorf("code signature SuperBlob declares %d blobs, more than fit in its %d bytes", count, length)
	}

	var codeDirectory, xmlBlob, derBlob, cmsBlob []byte
	var haveXML, haveDER, haveCMS bool
	for i := range count {
		entry := data[superBlobHeaderSize+i*blobIndexSize:]
		slot, offset := binary.BigEndian.Uint32(entry), binary.BigEndian.Uint32(entry[4:])
		blob, magic, err := blobAt(data, offset)
		if err != nil {
			return fmt.Errorf("blob %d (slot 0x%x): %w", i, slot, err)
		}
		payload := blob[blobHeaderSize:]
		switch {
		case slot == slotCodeDirectory:
			if magic != magicCodeDirectory {
				return fmt.Errorf("code directory slot contains magic 0x%08x (expected 0x%08x)", magic, magicCodeDirectory)
			}
			codeDirectory = blob
		case slot >= slotAlternateCDFirst && slot <= slotAlternateCDLast:
			// Alternate code directories carry other hash types of the same
			// identity, so only the primary one is reported.
		case slot == slotEntitlements:
			if magic != magicEntitlements {
				return fmt.Errorf("entitlements slot contains magic 0x%08x (expected 0x%08x)", magic, magicEntitlements)
			}
			xmlBlob, haveXML = payload, true
		case slot == slotEntitlementsDER:
			if magic != magicEntitlementsDER {
				return fmt.Errorf("DER entitlements slot contains magic 0x%08x (expected 0x%08x)", magic, magicEntitlementsDER)
			}
			derBlob, haveDER = payload, true
		case slot == slotCMSSignature:
			if magic != magicBlobWrapper {
				return fmt.Errorf("CMS signature slot contains magic 0x%08x (expected 0x%08x)", magic, magicBlobWrapper)
			}
			cmsBlob, haveCMS = payload, true
		}
	}

	if codeDirectory == nil {
		return fmt.Errorf("code signature has no code directory")
	}
	if err := parseCodeDirectory(slice, codeDirectory); err != nil {
		return err
	}

	if len(xmlBlob) > maxEntitlementsBlobSize || len(derBlob) > maxEntitlementsBlobSize {
		return fmt.Errorf("entitlements blob of %d bytes is larger than the %d this reader accepts", max(len(xmlBlob), len(derBlob)), maxEntitlementsBlobSize)
	}
	if haveXML {
		dict, err := ParsePlist(xmlBlob)
		if err != nil {
			return fmt.Errorf("XML entitlements blob: %w", err)
		}
		slice.XML, slice.HasXML = dict, true
	}
	if haveDER {
		dict, err := DecodeDER(derBlob)
		if err != nil {
			return fmt.Errorf("DER entitlements blob: %w", err)
		}
		slice.DER, slice.HasDER = dict, true
	}
	if haveXML && haveDER {
		slice.Mismatches = CompareDicts(slice.XML, slice.DER)
	}

	slice.Signature = SignatureAdHoc
	if haveCMS && len(cmsBlob) > 0 {
		name, err := signerCommonName(cmsBlob)
		if err != nil {
			slice.Signature = SignatureUnknown
			slice.SignerError = err.Error()
		} else {
			slice.SignerCommonName = name
			slice.Signature = SignatureFromCommonName(name)
		}
	}
	if slices.Contains(slice.Flags, "adhoc") {
		slice.Signature = SignatureAdHoc
	}
	return nil
}

// blobAt returns the blob at offset in a SuperBlob and its magic, checking
// that its length stays inside the SuperBlob.
func blobAt(superBlob []byte, offset uint32) ([]byte, uint32, error) {
	if uint64(offset)+blobHeaderSize > uint64(len(superBlob)) {
		return nil, 0, fmt.Errorf("offset %d is past the end of the %d-byte code signature", offset, len(superBlob))
	}
	magic := binary.BigEndian.Uint32(superBlob[offset:])
	length := binary.BigEndian.Uint32(superBlob[offset+4:])
	if length < blobHeaderSize || uint64(offset)+uint64(length) > uint64(len(superBlob)) {
		return nil, 0, fmt.Errorf("blob at offset %d declares %d bytes, past the end of the %d-byte code signature", offset, length, len(superBlob))
	}
	return superBlob[offset : offset+length], magic, nil
}

// parseCodeDirectory reads the identifier, Team ID, flags and hash type of
// a CodeDirectory blob (struct CS_CodeDirectory in cs_blobs.h).
func parseCodeDirectory(slice *Slice, cd []byte) error {
	if len(cd) < codeDirectoryBase {
		return fmt.Errorf("code directory is %d bytes, shorter than its %d-byte header", len(cd), codeDirectoryBase)
	}
	version := binary.BigEndian.Uint32(cd[8:])
	flags := binary.BigEndian.Uint32(cd[12:])
	identOffset := binary.BigEndian.Uint32(cd[20:])
	hashType := cd[37]

	identifier, err := cString(cd, identOffset)
	if err != nil {
		return fmt.Errorf("code directory identifier: %w", err)
	}
	slice.Identifier = identifier

	// teamOffset exists from version 0x20200 on; 0 means no Team ID.
	if version >= 0x20200 && len(cd) >= 52 {
		if teamOffset := binary.BigEndian.Uint32(cd[48:]); teamOffset != 0 {
			team, err := cString(cd, teamOffset)
			if err != nil {
				return fmt.Errorf("code directory Team ID: %w", err)
			}
			slice.TeamID = team
		}
	}

	slice.HashType = hashTypes[hashType]
	if slice.HashType == "" {
		slice.HashType = fmt.Sprintf("hash-type-%d", hashType)
	}
	slice.Flags = flagNames(flags)
	return nil
}

// cString returns the NUL-terminated string at offset in blob.
func cString(blob []byte, offset uint32) (string, error) {
	if uint64(offset) >= uint64(len(blob)) {
		return "", fmt.Errorf("offset %d is past the end of the %d-byte code directory", offset, len(blob))
	}
	end := bytes.IndexByte(blob[offset:], 0)
	if end < 0 {
		return "", fmt.Errorf("string at offset %d has no terminating NUL", offset)
	}
	return string(blob[offset : int(offset)+end]), nil
}

func flagNames(flags uint32) []string {
	names := []string{}
	for _, f := range codeDirectoryFlags {
		if flags&f.bit != 0 {
			names = append(names, f.name)
			flags &^= f.bit
		}
	}
	if flags != 0 {
		names = append(names, fmt.Sprintf("0x%x", flags))
	}
	return names
}

// signerCommonName returns the common name of the certificate that signed
// a CMS SignedData blob. The signer is matched by issuer and serial number
// against the certificates the blob carries.
func signerCommonName(cms []byte) (string, error) {
	if err := checkBER(cms); err != nil {
		return "", err
	}
	p7, err := pkcs7.Parse(cms)
	if err != nil {
		return "", fmt.Errorf("invalid CMS signature: %w", describeCMSError(err))
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return "", fmt.Errorf("CMS signature has no single signer certificate (%d certificates, %d signers)", len(p7.Certificates), len(p7.Signers))
	}
	return signer.Subject.CommonName, nil
}

// SignatureFromCommonName maps the common name of a signing certificate to
// a signature kind, by the prefixes Apple gives its certificate types.
func SignatureFromCommonName(name string) SignatureKind {
	prefixes := []struct {
		prefix string
		kind   SignatureKind
	}{
		{"Developer ID Application:", SignatureDeveloperID},
		{"Apple Distribution:", SignatureAppStore},
		{"3rd Party Mac Developer Application:", SignatureAppStore},
		{"iPhone Distribution:", SignatureAppStore},
		{"Apple Development:", SignatureDevelopment},
		{"Mac Developer:", SignatureDevelopment},
		{"iPhone Developer:", SignatureDevelopment},
	}
	for _, p := range prefixes {
		if strings.HasPrefix(name, p.prefix) {
			return p.kind
		}
	}
	if name == "" {
		return SignatureAdHoc
	}
	return SignatureUnknown
}

// CompareDicts lists the differences between the XML and DER dictionaries
// of one signature, one line per differing key, sorted by key.
func CompareDicts(xml, der Dict) []string {
	keys := map[string]bool{}
	for k := range xml {
		keys[k] = true
	}
	for k := range der {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)

	differences := []string{}
	for _, key := range sorted {
		xmlValue, inXML := xml[key]
		derValue, inDER := der[key]
		switch {
		case !inDER:
			differences = append(differences, fmt.Sprintf("%s: only in XML (%s)", key, formatValue(xmlValue)))
		case !inXML:
			differences = append(differences, fmt.Sprintf("%s: only in DER (%s)", key, formatValue(derValue)))
		case !equalValues(xmlValue, derValue):
			differences = append(differences, fmt.Sprintf("%s: XML %s, DER %s", key, formatValue(xmlValue), formatValue(derValue)))
		}
	}
	return differences
}
