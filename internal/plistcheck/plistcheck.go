// Package plistcheck bounds the work of decoding an untrusted property list
// before howett.net/plist decodes it.
//
// howett.net/plist v1.0.1 decodes XML and OpenStep property lists by
// recursion, one Go stack frame per nesting level, so a file of a few MB of
// opening tags or brackets overflows the goroutine stack, which is a fatal
// error that recover cannot catch. Its binary decoder shares an object
// between every reference to it, but converting the result to Go values
// copies each shared object once per reference, so a short chain of arrays
// whose elements all point at the next array expands exponentially.
//
// Check runs a linear scan that rejects both shapes. Entitlements and
// Info.plist files are shallow (a handful of levels) and small (tens to
// thousands of values), so the limits leave a wide margin.
package plistcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
)

// MaxDepth is the deepest nesting of arrays and dictionaries Check accepts.
const MaxDepth = 128

// MaxValues is the largest number of values a binary property list may
// expand to, counting each reference to a shared object once per
// reference. Below that, the cap is expansionPerByte values per input byte,
// but never less than minValueCap.
const MaxValues = 1_000_000

// minValueCap keeps the per-byte cap from rejecting small files that
// legitimately share a few arrays or dictionaries.
const minValueCap = 4096

// MaxExpandedBytes is the largest number of string and data bytes a binary
// property list may expand to, counting a shared string once per
// reference. Below that, the cap is expansionPerByte bytes per input byte,
// but never less than minExpandedBytesCap.
const MaxExpandedBytes = 128 << 20

// minExpandedBytesCap keeps the per-byte cap from rejecting small files
// that share a few strings.
const minExpandedBytesCap = 1 << 20

// expansionPerByte bounds the expansion of a binary property list relative
// to its size, in values and in string and data bytes. Without shared
// objects, a property list expands to at most one value per object
// reference, every reference takes at least one byte, and every string or
// data byte is stored once.
const expansionPerByte = 8

// ErrTooDeep is wrapped by the error Check returns for nesting past
// MaxDepth.
var ErrTooDeep = fmt.Errorf("nested more than %d levels deep", MaxDepth)

// ErrTooLarge is wrapped by the error Check returns for a binary property
// list that expands past its value cap, or an OpenStep one whose quoted
// strings would take more than linear time to decode.
var ErrTooLarge = errors.New("too large to decode")

// Check returns an error when decoding data as a property list would nest
// deeper than MaxDepth or, for a binary property list, expand to more
// values than its cap (see MaxValues). It accepts
// malformed input that stays within the limits and leaves reporting it to
// the decoder.
func Check(data []byte) error {
	if bytes.HasPrefix(data, []byte("bplist")) {
		return checkBinary(data)
	}

	// howett.net/plist tries XML first and falls back to the OpenStep
	// parser only when the XML decoder fails before the first element or
	// that element is not a property list element.
	parsedAsXML, err := checkXML(data)
	if err != nil || parsedAsXML {
		return err
	}
	return checkOpenStep(data)
}

// xmlValueElements are the element names the XML decoder of
// howett.net/plist v1.0.1 accepts at the top of a document.
var xmlValueElements = map[string]bool{
	"plist": true, "string": true, "integer": true, "real": true, "true": true,
	"false": true, "date": true, "data": true, "dict": true, "array": true,
}

// checkXML scans the XML tokens of data with encoding/xml, the tokenizer
// howett.net/plist uses. parsedAsXML reports whether howett.net/plist
// would decode data as XML instead of falling back to OpenStep.
func checkXML(data []byte) (parsedAsXML bool, err error) {
	decoder := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		token, tokenErr := decoder.Token()
		if tokenErr != nil {
			// A syntax error stops the real decoder at the same token.
			return parsedAsXML, nil
		}
		switch element := token.(type) {
		case xml.StartElement:
			if depth == 0 && !parsedAsXML {
				if !xmlValueElements[element.Name.Local] {
					return false, nil
				}
				parsedAsXML = true
			}
			depth++
			if depth > MaxDepth {
				return true, fmt.Errorf("XML property list is %w", ErrTooDeep)
			}
		case xml.EndElement:
			depth--
		}
	}
}
