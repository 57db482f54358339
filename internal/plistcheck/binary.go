package plistcheck

import (
	"encoding/binary"
	"fmt"
)

// Binary property list layout, from CoreFoundation's CFBinaryPList.c: an
// 8-byte "bplist00" header, the objects, an offset table with one offset
// per object, and a 32-byte trailer.
const (
	bplistHeaderSize  = 8
	bplistTrailerSize = 32
	bplistTagInteger  = 0x10
	bplistTagData     = 0x40
	bplistTagASCII    = 0x50
	bplistTagUTF16    = 0x60
	bplistTagArray    = 0xa0
	bplistTagDict     = 0xd0
)

// bplist is the parsed trailer of a binary property list.
type bplist struct {
	data        []byte
	offsetSize  int
	refSize     int
	objectCount uint64
	top         uint64
	tableOffset uint64
}

// checkBinary computes the depth and the expanded value count of a binary
// property list over its object graph, visiting each object once.
func checkBinary(data []byte) error {
	if len(data) < bplistHeaderSize+bplistTrailerSize {
		return nil // the decoder rejects it as too short
	}
	trailer := data[len(data)-bplistTrailerSize:]
	p := bplist{
		data:        data,
		offsetSize:  int(trailer[6]),
		refSize:     int(trailer[7]),
		objectCount: binary.BigEndian.Uint64(trailer[8:]),
		top:         binary.BigEndian.Uint64(trailer[16:]),
		tableOffset: binary.BigEndian.Uint64(trailer[24:]),
	}
	if err := p.validateTrailer(); err != nil {
		return fmt.Errorf("invalid binary property list: %w", err)
	}

	valueLimit := min(uint64(MaxValues), max(minValueCap, expansionPerByte*uint64(len(data))))
	byteLimit := min(uint64(MaxExpandedBytes), max(minExpandedBytesCap, expansionPerByte*uint64(len(data))))
	// Writers store only referenced objects, so each object is at least one
	// value. The check also bounds the memory of checkGraph.
	if p.objectCount > valueLimit {
		return fmt.Errorf("binary property list declares %d objects, more than the %d values it may expand to, so it is %w", p.objectCount, valueLimit, ErrTooLarge)
	}
	return p.checkGraph(valueLimit, byteLimit)
}

func (p *bplist) validateTrailer() error {
	if p.offsetSize < 1 || p.offsetSize > 8 || p.refSize < 1 || p.refSize > 8 {
		return fmt.Errorf("trailer declares %d-byte offsets and %d-byte object references (expected 1 to 8)", p.offsetSize, p.refSize)
	}
	objectsEnd := uint64(len(p.data) - bplistTrailerSize)
	if p.tableOffset < bplistHeaderSize || p.tableOffset > objectsEnd {
		return fmt.Errorf("offset table at byte %d is outside the %d-byte file", p.tableOffset, len(p.data))
	}
	if p.objectCount == 0 || p.objectCount > (objectsEnd-p.tableOffset)/uint64(p.offsetSize) {
		return fmt.Errorf("trailer declares %d objects, but the offset table has room for %d", p.objectCount, (objectsEnd-p.tableOffset)/uint64(p.offsetSize))
	}
	if p.top >= p.objectCount {
		return fmt.Errorf("top object %d is not among the %d objects", p.top, p.objectCount)
	}
	return nil
}

func readUint(b []byte) uint64 {
	var value uint64
	for _, octet := range b {
		value = value<<8 | uint64(octet)
	}
	return value
}

// object returns the object references of object index (its elements for
// an array, its keys then values for a dictionary, none otherwise) and the
// bytes its own data or string decodes to, as far as the object area
// holds them.
func (p *bplist) object(index uint64) (refs []byte, payload uint64, err error) {
	entry := p.tableOffset + index*uint64(p.offsetSize)
	offset := readUint(p.data[entry : entry+uint64(p.offsetSize)])
	if offset < bplistHeaderSize || offset >= p.tableOffset {
		return nil, 0, fmt.Errorf("object %d starts at byte %d, outside the object area", index, offset)
	}

	tag := p.data[offset] & 0xf0
	switch tag {
	case bplistTagData, bplistTagASCII, bplistTagUTF16, bplistTagArray, bplistTagDict:
	default:
		return nil, 0, nil
	}
	count, start := uint64(p.data[offset]&0x0f), offset+1
	if count == 0x0f {
		// The count follows as an integer object of 1, 2, 4 or 8 bytes.
		if start >= p.tableOffset || p.data[start]&0xf0 != bplistTagInteger || p.data[start]&0x0f > 3 {
			return nil, 0, fmt.Errorf("object %d has an invalid length", index)
		}
		size := uint64(1) << (p.data[start] & 0x0f)
		if start+1+size > p.tableOffset {
			return nil, 0, fmt.Errorf("object %d has a truncated length", index)
		}
		count, start = readUint(p.data[start+1:start+1+size]), start+1+size
	}
	available := p.tableOffset - start

	switch tag {
	case bplistTagData, bplistTagASCII:
		return nil, min(count, available), nil
	case bplistTagUTF16:
		// A UTF-16 code unit takes 2 bytes and decodes to at most 3.
		return nil, min(count, available/2) * 3, nil
	case bplistTagDict:
		if count > available/2 {
			return nil, 0, fmt.Errorf("object %d declares %d entries, past the end of the object area", index, count)
		}
		count *= 2
	}
	if count > available/uint64(p.refSize) {
		return nil, 0, fmt.Errorf("object %d declares %d references, past the end of the object area", index, count)
	}
	return p.data[start : start+count*uint64(p.refSize)], 0, nil
}

// graphFrame is one container on the depth-first stack of checkGraph.
type graphFrame struct {
	index uint64
	refs  []byte // references not visited yet
	total uint64 // values in the visited subtrees, itself included
	bytes uint64 // string and data bytes in the visited subtrees
	depth int    // deepest visited child
}

// checkGraph walks the object graph from the top object without recursion,
// memoising each object's expanded value count, string and data bytes, and
// depth.
func (p *bplist) checkGraph(valueLimit, byteLimit uint64) error {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]uint8, p.objectCount)
	totals := make([]uint32, p.objectCount)
	byteTotals := make([]uint64, p.objectCount)
	depths := make([]uint8, p.objectCount)

	push := func(stack []graphFrame, index uint64) ([]graphFrame, error) {
		refs, payload, err := p.object(index)
		if err != nil {
			return nil, err
		}
		if len(stack) >= MaxDepth {
			return nil, fmt.Errorf("binary property list is %w", ErrTooDeep)
		}
		state[index] = visiting
		return append(stack, graphFrame{index: index, refs: refs, total: 1, bytes: payload}), nil
	}

	stack, err := push(nil, p.top)
	if err != nil {
		return err
	}
	for len(stack) > 0 {
		frame := &stack[len(stack)-1]
		if len(frame.refs) > 0 {
			child := readUint(frame.refs[:p.refSize])
			if child >= p.objectCount {
				return fmt.Errorf("invalid binary property list: object %d refers to object %d of %d", frame.index, child, p.objectCount)
			}
			switch state[child] {
			case visiting:
				return fmt.Errorf("invalid binary property list: object %d contains itself", child)
			case unvisited:
				if stack, err = push(stack, child); err != nil {
					return err
				}
				continue
			}
			frame.refs = frame.refs[p.refSize:]
			frame.total += uint64(totals[child])
			frame.bytes += byteTotals[child]
			frame.depth = max(frame.depth, int(depths[child]))
			if frame.total > valueLimit {
				return fmt.Errorf("binary property list expands to more than %d values, the cap for a %d-byte file (shared arrays or dictionaries repeated?), so it is %w", valueLimit, len(p.data), ErrTooLarge)
			}
			if frame.bytes > byteLimit {
				return fmt.Errorf("binary property list expands to more than %d bytes of strings and data, the cap for a %d-byte file (shared strings repeated?), so it is %w", byteLimit, len(p.data), ErrTooLarge)
			}
			continue
		}

		state[frame.index] = done
		totals[frame.index] = uint32(frame.total)
		byteTotals[frame.index] = frame.bytes
		depths[frame.index] = uint8(frame.depth + 1)
		stack = stack[:len(stack)-1]
	}
	return nil
}
