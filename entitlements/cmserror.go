package entitlements

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// asn1Location matches the end of an encoding/asn1 structure error, which
// names the Go type it was decoding and the byte offset: "... ContentInfo @2".
var asn1Location = regexp.MustCompile(`\s(\w+) @(\d+)$`)

// asn1ElementNames are plain names, with articles, for the Go types github.com/smallstep/pkcs7
// v0.2.3 and encoding/asn1 decode a CMS blob into.
var asn1ElementNames = map[string]string{
	"contentInfo":      "a ContentInfo SEQUENCE",
	"signedData":       "a SignedData SEQUENCE",
	"signerInfo":       "a SignerInfo SEQUENCE",
	"ObjectIdentifier": "an OBJECT IDENTIFIER",
	"int":              "an INTEGER",
	"Int":              "an INTEGER",
	"rawCertificates":  "a certificate set",
}

// describeCMSError rewrites an encoding/asn1 error from pkcs7.Parse, whose
// message prints Go struct tags and field options, as the element that was
// expected and its byte offset. Other errors are returned unchanged.
func describeCMSError(err error) error {
	var structural asn1.StructuralError
	var syntax asn1.SyntaxError
	var message string
	switch {
	case errors.As(err, &structural):
		message = structural.Msg
	case errors.As(err, &syntax):
		message = syntax.Msg
	default:
		return err
	}

	match := asn1Location.FindStringSubmatch(message)
	if match == nil {
		return errors.New("the ASN.1 structure is not a CMS SignedData")
	}
	offset, _ := strconv.Atoi(match[2])
	element, ok := asn1ElementNames[match[1]]
	if !ok {
		element = "another ASN.1 element"
	}
	return fmt.Errorf("the ASN.1 structure is not a CMS SignedData: expected %s at byte %d", element, offset)
}
