package entitlements

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// DER entitlements come in two shapes.
//
// The current one, which codesign writes today, is APPLICATION 16 {
// INTEGER 1, [16] { SEQUENCE { UTF8String key, value }... } } with keys
// sorted and BOOLEAN true as 0xff. Nested dictionaries use the same [16]
// tag, and arrays are SEQUENCEs.
//
// The legacy one (Node 18.9.0's darwin-arm64 binary carries it) is a bare
// SET of SEQUENCE { UTF8String key, value }, keys unsorted, true as 0x01.
const (
	tagDERWrapper = asn1.Tag(0x70) // APPLICATION 16, constructed
	tagDERDict    = asn1.Tag(0xb0) // [16], constructed
)

// maxDERDepth bounds the nesting of arrays and dictionaries, so a crafted
// blob cannot exhaust the stack.
const maxDERDepth = 32

// DecodeDER decodes a DER entitlements blob payload (without the 8-byte blob
// header) in the current or the legacy shape.
func DecodeDER(data []byte) (Dict, error) {
	input := cryptobyte.String(data)
	var body cryptobyte.String
	var tag asn1.Tag
	if !input.ReadAnyASN1(&body, &tag) {
		return nil, errors.New("invalid DER entitlements: not a complete DER element")
	}
	if !input.Empty() {
		return nil, fmt.Errorf("invalid DER entitlements: %d bytes after the end of the dictionary", len(input))
	}

	switch tag {
	case tagDERWrapper:
		var version int64
		if !body.ReadASN1Int64WithTag(&version, asn1.INTEGER) {
			return nil, errors.New("invalid DER entitlements: missing version INTEGER")
		}
		if version != 1 {
			return nil, fmt.Errorf("unsupported DER entitlements version %d (expected 1)", version)
		}
		var dict cryptobyte.String
		if !body.ReadASN1(&dict, tagDERDict) || !body.Empty() {
			return nil, errors.New("invalid DER entitlements: expected one [16] dictionary after the version")
		}
		return decodeDERDict(dict, 0)
	case asn1.SET:
		return decodeDERDict(body, 0)
	}
	return nil, fmt.Errorf("invalid DER entitlements: unexpected outer tag 0x%02x (expected 0x70 or a SET)", uint8(tag))
}

// decodeDERDict decodes the key/value SEQUENCEs that form the contents of a
// dictionary.
func decodeDERDict(body cryptobyte.String, depth int) (Dict, error) {
	if depth > maxDERDepth {
		return nil, fmt.Errorf("invalid DER entitlements: nested deeper than %d levels", maxDERDepth)
	}
	dict := Dict{}
	for !body.Empty() {
		var pair, key cryptobyte.String
		if !body.ReadASN1(&pair, asn1.SEQUENCE) {
			return nil, errors.New("invalid DER entitlements: dictionary entry is not a SEQUENCE")
		}
		if !pair.ReadASN1(&key, asn1.UTF8String) {
			return nil, errors.New("invalid DER entitlements: dictionary key is not a UTF8String")
		}
		value, err := decodeDERValue(&pair, depth)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", string(key), err)
		}
		if !pair.Empty() {
			return nil, fmt.Errorf("invalid DER entitlements: key %q has more than one value", string(key))
		}
		if _, dup := dict[string(key)]; dup {
			return nil, fmt.Errorf("invalid DER entitlements: key %q appears twice", string(key))
		}
		dict[string(key)] = value
	}
	return dict, nil
}

// decodeDERValue reads one value from input.
func decodeDERValue(input *cryptobyte.String, depth int) (any, error) {
	var body cryptobyte.String
	var tag asn1.Tag
	if !input.ReadAnyASN1(&body, &tag) {
		return nil, errors.New("invalid DER entitlements: truncated value")
	}

	switch tag {
	case asn1.BOOLEAN:
		// Any non-zero octet is true: the legacy shape writes 0x01.
		if len(body) != 1 {
			return nil, fmt.Errorf("invalid DER entitlements: BOOLEAN of %d bytes", len(body))
		}
		return body[0] != 0, nil
	case asn1.INTEGER:
		return decodeDERInteger(body)
	case asn1.UTF8String:
		return string(body), nil
	case asn1.OCTET_STRING:
		return []byte(body), nil
	case asn1.SEQUENCE:
		if depth >= maxDERDepth {
			return nil, fmt.Errorf("invalid DER entitlements: nested deeper than %d levels", maxDERDepth)
		}
		items := []any{}
		for !body.Empty() {
			item, err := decodeDERValue(&body, depth+1)
			if err != nil {
				return nil, err
			}
			items = append(items, item)
		}
		return items, nil
	case tagDERDict, asn1.SET:
		nested, err := decodeDERDict(body, depth+1)
		if err != nil {
			return nil, err
		}
		return map[string]any(nested), nil
	}
	return nil, fmt.Errorf("invalid DER entitlements: unsupported value tag 0x%02x", uint8(tag))
}

// decodeDERInteger returns a non-negative INTEGER as uint64, the type
// howett.net/plist gives XML integers, and a negative one as int64.
func decodeDERInteger(body cryptobyte.String) (any, error) {
	if len(body) == 0 || len(body) > 9 || (len(body) == 9 && body[0] != 0) {
		return nil, fmt.Errorf("invalid DER entitlements: INTEGER of %d bytes is outside the 64-bit range", len(body))
	}
	negative := body[0]&0x80 != 0
	var value uint64
	if negative {
		value = math.MaxUint64 // sign-extend
	}
	for _, octet := range body {
		value = value<<8 | uint64(octet)
	}
	if negative {
		return int64(value), nil
	}
	return value, nil
}

// EncodeDER encodes d in the current DER shape, as codesign writes it: keys
// sorted, BOOLEAN true as 0xff. Values may be bool, string, integers,
// []byte, []any, map[string]any or Dict. Floats and dates have no DER
// form in this format and are an error.
func EncodeDER(d Dict) ([]byte, error) {
	var b cryptobyte.Builder
	var encodeErr error
	b.AddASN1(tagDERWrapper, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(tagDERDict, func(b *cryptobyte.Builder) {
			encodeErr = encodeDERDict(b, d, 0)
		})
	})
	if encodeErr != nil {
		return nil, encodeErr
	}
	return b.Bytes()
}

func encodeDERDict(b *cryptobyte.Builder, d map[string]any, depth int) error {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var err error
	for _, key := range keys {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(key)) })
			if valueErr := encodeDERValue(b, d[key], depth); valueErr != nil && err == nil {
				err = fmt.Errorf("key %q: %w", key, valueErr)
			}
		})
	}
	return err
}

func encodeDERValue(b *cryptobyte.Builder, value any, depth int) error {
	if depth > maxDERDepth {
		return fmt.Errorf("nested deeper than %d levels", maxDERDepth)
	}
	switch v := value.(type) {
	case bool:
		b.AddASN1Boolean(v)
	case string:
		b.AddASN1(asn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(v)) })
	case []byte:
		b.AddASN1OctetString(v)
	case uint64:
		b.AddASN1Uint64(v)
	case int64:
		b.AddASN1Int64(v)
	case int:
		b.AddASN1Int64(int64(v))
	case []any:
		var err error
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, item := range v {
				if itemErr := encodeDERValue(b, item, depth+1); itemErr != nil && err == nil {
					err = itemErr
				}
			}
		})
		return err
	case []string:
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, item := range v {
				b.AddASN1(asn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(item)) })
			}
		})
	case map[string]any:
		var err error
		b.AddASN1(tagDERDict, func(b *cryptobyte.Builder) { err = encodeDERDict(b, v, depth+1) })
		return err
	case Dict:
		var err error
		b.AddASN1(tagDERDict, func(b *cryptobyte.Builder) { err = encodeDERDict(b, v, depth+1) })
		return err
	default:
		return fmt.Errorf("value of type %T has no DER entitlements form", value)
	}
	return nil
}
