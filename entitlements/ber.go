package entitlements

import (
	"bytes"
	"fmt"
)

// maxBERDepth bounds the nesting of a CMS structure. Real provisioning
// profiles and CMS signatures nest about a dozen levels (ContentInfo,
// SignedData, certificates, names, attributes).
const maxBERDepth = 64

// maxBERElements bounds the number of elements in a CMS structure, because
// the pkcs7 parser builds an object of about a hundred bytes for each.
// Real profiles and code signatures have a few hundred: 296 in fastlane's
// test profile, about 600 in the CMS blobs of deno 2.9.6 and sentry-cli
// 3.8.0.
const maxBERElements = 100_000

// minEndSearchBudget and endSearchBytesPerInputByte bound the bytes the
// pkcs7 parser scans looking for end-of-contents markers. After every child
// of an indefinite-length value it searches the rest of the input for the
// next two zero bytes, so 100,000 small children before 16 MB without a
// zero pair scan 1.6 TB, tens of seconds. The CMS blobs of bun 1.4.5 and
// node 18.9.0 scan about 1.5 times their size, and most signatures and
// profiles use definite lengths and scan nothing.
const (
	minEndSearchBudget         = 1 << 20
	endSearchBytesPerInputByte = 16
)

// berFrame is one open constructed value during checkBER.
type berFrame struct {
	end        int  // offset just past the contents; unused when indefinite
	indefinite bool // ends with an end-of-contents marker instead
	children   int  // children read so far
}

// checkBER walks the BER elements of data without recursion and rejects
// nesting deeper than maxBERDepth, more than maxBERElements elements, and
// any element that extends past its parent or the input.
//
// It runs before github.com/smallstep/pkcs7 v0.2.3, whose BER-to-DER
// conversion recurses once per level and, when a child runs past its
// parent's declared length, parses the same bytes again at every level:
// a 200-byte input then takes seconds and gigabytes. The walk follows
// that parser's reading of tags and lengths, including its habit of
// reading one child of an indefinite-length value before looking for the
// end-of-contents marker, so that both see the same tree.
func checkBER(data []byte) error {
	var stack []berFrame
	offset, elements := 0, 0
	search := endSearch{data: data, next: -1, budget: max(minEndSearchBudget, endSearchBytesPerInputByte*int64(len(data)))}
	for {
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.indefinite && top.children > 0 {
				if err := search.charge(offset); err != nil {
					return err
				}
			}
			switch {
			case top.indefinite && top.children > 0 && hasEndOfContents(data, offset):
				offset += 2
				stack = stack[:len(stack)-1]
				if err := checkEnd(stack, offset); err != nil {
					return err
				}
				continue
			case !top.indefinite && offset == top.end:
				stack = stack[:len(stack)-1]
				continue
			}
			top.children++
		} else if offset > 0 {
			return nil // trailing bytes are the CMS parser's to report
		}

		elements++
		if elements > maxBERElements {
			return fmt.Errorf("invalid CMS structure: more than %d elements", maxBERElements)
		}
		header, err := readBERHeader(data, offset)
		if err != nil {
			return err
		}
		offset = header.contentStart
		if !header.constructed {
			offset += header.length
			if err := checkEnd(stack, offset); err != nil {
				return err
			}
			if len(stack) == 0 {
				return nil
			}
			continue
		}

		if len(stack) >= maxBERDepth {
			return fmt.Errorf("invalid CMS structure: nested more than %d levels deep", maxBERDepth)
		}
		frame := berFrame{indefinite: header.indefinite, end: offset + header.length}
		if !frame.indefinite {
			if err := checkEnd(stack, frame.end); err != nil {
				return err
			}
		}
		stack = append(stack, frame)
	}
}

// endSearch tracks the bytes the pkcs7 parser scans for end-of-contents
// markers, which is the distance from each child's end to the next two
// zero bytes. Offsets only grow during the walk, so remembering the next
// zero pair keeps this check linear.
type endSearch struct {
	data    []byte
	next    int // the first zero pair at or after the last offset, len(data) for none, -1 before the first search
	scanned int64
	budget  int64
}

// charge adds the parser's scan from offset to the next zero pair.
func (s *endSearch) charge(offset int) error {
	if offset > s.next {
		s.next = len(s.data)
		if i := bytes.Index(s.data[offset:], []byte{0, 0}); i >= 0 {
			s.next = offset + i
		}
	}
	s.scanned += int64(s.next - offset)
	if s.scanned > s.budget {
		return fmt.Errorf("invalid CMS structure: its indefinite-length values have so many children that finding their ends would scan more than %d bytes", s.budget)
	}
	return nil
}

// hasEndOfContents reports whether two zero bytes, the end-of-contents
// marker, start at offset.
func hasEndOfContents(data []byte, offset int) bool {
	return offset+2 <= len(data) && data[offset] == 0 && data[offset+1] == 0
}

// checkEnd rejects an element that ends at end when its innermost
// definite-length parent ends earlier.
func checkEnd(stack []berFrame, end int) error {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].indefinite {
			continue
		}
		if end > stack[i].end {
			return fmt.Errorf("invalid CMS structure: an element ends at byte %d, past the end of its parent at byte %d", end, stack[i].end)
		}
		return nil
	}
	return nil
}

// berHeader is the identifier and length octets of one element.
type berHeader struct {
	constructed  bool
	indefinite   bool
	contentStart int
	length       int
}

// truncatedAt returns the error for an element at offset that the input
// cuts short. It is built only on failure, because readBERHeader runs once
// per element.
func truncatedAt(offset int) error {
	return fmt.Errorf("invalid CMS structure: truncated element at byte %d", offset)
}

// readBERHeader reads the tag and length at offset, accepting what the
// pkcs7 parser accepts: multi-byte tags, short and long lengths of up to
// four octets without a leading zero, and indefinite lengths on
// constructed values.
func readBERHeader(data []byte, offset int) (berHeader, error) {
	if offset+2 > len(data) {
		return berHeader{}, truncatedAt(offset)
	}
	header := berHeader{constructed: data[offset]&0x20 != 0}
	pos := offset + 1
	if data[offset]&0x1f == 0x1f {
		for data[pos] >= 0x80 {
			pos++
			if pos >= len(data) {
				return berHeader{}, truncatedAt(offset)
			}
		}
		pos++
		if pos >= len(data) {
			return berHeader{}, truncatedAt(offset)
		}
	}

	lengthOctet := data[pos]
	pos++
	switch {
	case lengthOctet == 0x80:
		if !header.constructed {
			return berHeader{}, fmt.Errorf("invalid CMS structure: primitive element at byte %d has an indefinite length", offset)
		}
		header.indefinite = true
	case lengthOctet > 0x80:
		count := int(lengthOctet & 0x7f)
		if count > 4 || pos+count > len(data) || data[pos] == 0 || (count == 4 && data[pos] > 0x7f) {
			return berHeader{}, fmt.Errorf("invalid CMS structure: invalid length at byte %d", offset)
		}
		for range count {
			header.length = header.length<<8 | int(data[pos])
			pos++
		}
	default:
		header.length = int(lengthOctet)
	}
	header.contentStart = pos
	if pos+header.length > len(data) {
		return berHeader{}, fmt.Errorf("invalid CMS structure: element at byte %d declares %d bytes, past the end of the %d-byte input", offset, header.length, len(data))
	}
	return header, nil
}
