package entitlements

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Mach-O constants from XNU's EXTERNAL_HEADERS/mach-o/loader.h and fat.h.
const (
	machMagic32   = 0xfeedface
	machMagic64   = 0xfeedfacf
	fatMagic      = 0xcafebabe
	fatMagic64    = 0xcafebabf
	fatArchSize   = 20
	lcCodeSig     = 0x1d
	header32Size  = 28
	header64Size  = 32
	loadCmdHeader = 8
)

// Limits on sizes read from the file. Every length field is checked
// against the file size first; these caps bound memory on top of that.
const (
	// maxFatArches is far above the handful of slices real files have, and
	// below 45, the smallest major version of a Java class file, which
	// shares the 0xcafebabe magic.
	maxFatArches = 32
	// maxLoadCommandsSize bounds sizeofcmds, with a wide margin: the
	// darwin-arm64 binaries of bun 1.4.5 (85 MB) and Node 18.9.0 (79 MB)
	// have about 2.5 KB of load commands.
	maxLoadCommandsSize = 16 << 20
	// maxSignatureSize bounds the LC_CODE_SIGNATURE region of one slice.
	// Node 18.9.0's 79 MB binary has a 660 KB signature. SHA-1 and SHA-256
	// code directories take 52 bytes per 4 KB page together, so 32 MB
	// covers a slice of about 2.5 GB (an estimate).
	maxSignatureSize = 32 << 20
	// maxFileSignatureSize bounds the signature bytes read from all slices
	// of one file together, so a fat header cannot multiply the work.
	maxFileSignatureSize = 64 << 20
	// maxEntitlementsBlobSize bounds the XML and DER entitlements blobs.
	// Real ones are a few KB.
	maxEntitlementsBlobSize = 1 << 20
)

// MachOError is a malformed or unsupported Mach-O file.
type MachOError struct {
	Arch string // slice, "" for the file as a whole
	Msg  string
	Err  error // the cause, when Msg comes from another error
}

func (e *MachOError) Error() string {
	if e.Arch != "" {
		return e.Arch + " slice: " + e.Msg
	}
	return e.Msg
}

func (e *MachOError) Unwrap() error { return e.Err }

func machOErrorf(arch, format string, args ...any) error {
	return &MachOError{Arch: arch, Msg: fmt.Sprintf(format, args...)}
}

// IsMachO reports whether header, the first bytes of a file, starts with a
// Mach-O or fat magic number.
func IsMachO(header []byte) bool {
	if len(header) < 4 {
		return false
	}
	switch binary.BigEndian.Uint32(header) {
	case machMagic32, machMagic64, fatMagic, fatMagic64:
		return true
	}
	switch binary.LittleEndian.Uint32(header) {
	case machMagic32, machMagic64:
		return true
	}
	return false
}

// sliceRange is one architecture of a fat file, or the whole thin file.
type sliceRange struct {
	index               int // position in the fat header, from 0
	cpuType, cpuSubtype uint32
	offset, size        int64
}

// ReadMachO reads the code signature of every slice of the thin or fat
// Mach-O file in r, which is size bytes long. It reads only the headers,
// the load commands and the LC_CODE_SIGNATURE region of each slice.
//
// It does not use go-macho's reader, because go-macho v1.1.297 allocates
// the size an LC_CODE_SIGNATURE declares (up to 4 GB) before checking it
// against the file, and it parses every load command. Tests compare the
// two on real binaries.
func ReadMachO(r io.ReaderAt, size int64) ([]Slice, error) {
	ranges, err := readSliceRanges(r, size)
	if err != nil {
		return nil, err
	}

	slices := make([]Slice, 0, len(ranges))
	signatureBudget := int64(maxFileSignatureSize)
	for _, sr := range ranges {
		slice, err := readSlice(io.NewSectionReader(r, sr.offset, sr.size), sr.size, sr.cpuType, sr.cpuSubtype, &signatureBudget)
		if err != nil {
			return nil, err
		}
		slices = append(slices, slice)
	}
	return slices, nil
}

// readSliceRanges returns the slices of a fat file, or one range covering
// a thin file.
func readSliceRanges(r io.ReaderAt, size int64) ([]sliceRange, error) {
	var magic [8]byte
	if size < 4 {
		return nil, machOErrorf("", "truncated: %d bytes is too short for a Mach-O header", size)
	}
	if _, err := r.ReadAt(magic[:4], 0); err != nil {
		return nil, fmt.Errorf("cannot read the Mach-O header: %w", err)
	}

	switch binary.BigEndian.Uint32(magic[:]) {
	case fatMagic64:
		return nil, machOErrorf("", "64-bit fat header (magic 0xcafebabf) is not supported")
	case fatMagic:
	default:
		if !IsMachO(magic[:4]) {
			return nil, machOErrorf("", "not a Mach-O file (magic 0x%08x)", binary.BigEndian.Uint32(magic[:]))
		}
		return []sliceRange{{offset: 0, size: size}}, nil
	}

	if size < 8 {
		return nil, machOErrorf("", "truncated fat header: the file is %d bytes", size)
	}
	if _, err := r.ReadAt(magic[:8], 0); err != nil {
		return nil, fmt.Errorf("cannot read the fat header: %w", err)
	}
	count := binary.BigEndian.Uint32(magic[4:8])
	if count == 0 || count > maxFatArches {
		return nil, machOErrorf("", "fat header declares %d architectures (expected 1 to %d)", count, maxFatArches)
	}
	tableEnd := 8 + int64(count)*fatArchSize
	if tableEnd > size {
		return nil, machOErrorf("", "truncated: the fat header lists %d architectures, which needs %d bytes, but the file is %d bytes", count, tableEnd, size)
	}

	table := make([]byte, tableEnd-8)
	if _, err := r.ReadAt(table, 8); err != nil {
		return nil, fmt.Errorf("cannot read the fat architecture table: %w", err)
	}
	ranges := make([]sliceRange, 0, count)
	for i := range int(count) {
		entry := table[i*fatArchSize:]
		sr := sliceRange{
			index:      i,
			cpuType:    binary.BigEndian.Uint32(entry[0:]),
			cpuSubtype: binary.BigEndian.Uint32(entry[4:]),
			offset:     int64(binary.BigEndian.Uint32(entry[8:])),
			size:       int64(binary.BigEndian.Uint32(entry[12:])),
		}
		arch := archName(sr.cpuType, sr.cpuSubtype)
		if sr.offset < tableEnd || sr.offset+sr.size > size {
			return nil, machOErrorf(arch, "fat header places the slice at bytes %d to %d, outside the %d-byte file (truncated?)", sr.offset, sr.offset+sr.size, size)
		}
		ranges = append(ranges, sr)
	}
	if err := checkOverlaps(ranges); err != nil {
		return nil, err
	}
	return ranges, nil
}

// checkOverlaps rejects a fat header whose slices share bytes. Real fat
// files lay slices out one after another, and a header that points many
// entries at one large slice would make every entry read it again.
func checkOverlaps(ranges []sliceRange) error {
	sorted := slices.Clone(ranges)
	slices.SortFunc(sorted, func(a, b sliceRange) int {
		return cmp.Or(cmp.Compare(a.offset, b.offset), cmp.Compare(a.index, b.index))
	})
	for i := 1; i < len(sorted); i++ {
		previous, current := sorted[i-1], sorted[i]
		if current.offset == previous.offset && current.size == previous.size {
			return machOErrorf("", "fat header slice %d (%s) duplicates slice %d (%s): same offset %d and size %d",
				current.index, archName(current.cpuType, current.cpuSubtype),
				previous.index, archName(previous.cpuType, previous.cpuSubtype), current.offset, current.size)
		}
		if current.offset < previous.offset+previous.size {
			return machOErrorf("", "fat header places slice %d (%s) at bytes %d to %d, overlapping slice %d (%s) at bytes %d to %d",
				current.index, archName(current.cpuType, current.cpuSubtype), current.offset, current.offset+current.size,
				previous.index, archName(previous.cpuType, previous.cpuSubtype), previous.offset, previous.offset+previous.size)
		}
	}
	return nil
}

// readSlice reads the header and load commands of one thin Mach-O image and
// parses its code signature. fatCPU is the CPU type the fat header lists,
// 0 for a thin file. signatureBudget is the number of signature bytes the
// file may still read, and readSlice subtracts what it reads.
func readSlice(r io.ReaderAt, size int64, fatCPU, fatSubtype uint32, signatureBudget *int64) (Slice, error) {
	arch := archName(fatCPU, fatSubtype)
	var header [header64Size]byte
	if size < header32Size {
		return Slice{}, machOErrorf(arch, "truncated: %d bytes is too short for a Mach-O header", size)
	}
	if _, err := r.ReadAt(header[:header32Size], 0); err != nil {
		return Slice{}, machOErrorf(arch, "cannot read the Mach-O header: %v", err)
	}

	var order binary.ByteOrder
	headerSize := int64(header64Size)
	switch {
	case binary.LittleEndian.Uint32(header[:]) == machMagic64:
		order = binary.LittleEndian
	case binary.LittleEndian.Uint32(header[:]) == machMagic32:
		order, headerSize = binary.LittleEndian, header32Size
	case binary.BigEndian.Uint32(header[:]) == machMagic64:
		order = binary.BigEndian
	case binary.BigEndian.Uint32(header[:]) == machMagic32:
		order, headerSize = binary.BigEndian, header32Size
	default:
		return Slice{}, machOErrorf(arch, "not a Mach-O image (magic 0x%08x)", binary.BigEndian.Uint32(header[:]))
	}
	cpuType, cpuSubtype := order.Uint32(header[4:]), order.Uint32(header[8:])
	arch = archName(cpuType, cpuSubtype)
	commandCount := order.Uint32(header[16:])
	commandsSize := int64(order.Uint32(header[20:]))

	if commandsSize > size-headerSize || commandsSize > maxLoadCommandsSize {
		return Slice{}, machOErrorf(arch, "truncated: the load commands need %d bytes after the header, but the image is %d bytes", commandsSize, size)
	}
	if int64(commandCount)*loadCmdHeader > commandsSize {
		return Slice{}, machOErrorf(arch, "header declares %d load commands in %d bytes", commandCount, commandsSize)
	}
	commands := make([]byte, commandsSize)
	if _, err := r.ReadAt(commands, headerSize); err != nil {
		return Slice{}, machOErrorf(arch, "cannot read the load commands: %v", err)
	}

	sigOffset, sigSize, found, err := findCodeSignature(commands, commandCount, order, arch)
	if err != nil {
		return Slice{}, err
	}
	slice := Slice{Arch: arch, Signature: SignatureUnsigned}
	if !found {
		return slice, nil
	}
	if sigSize > maxSignatureSize {
		return Slice{}, machOErrorf(arch, "LC_CODE_SIGNATURE declares %d bytes, more than the %d this reader accepts", sigSize, maxSignatureSize)
	}
	if sigSize > *signatureBudget {
		return Slice{}, machOErrorf(arch, "the code signatures of all slices exceed the %d bytes this reader accepts per file", maxFileSignatureSize)
	}
	*signatureBudget -= sigSize
	if sigOffset+sigSize > size {
		return Slice{}, machOErrorf(arch, "truncated: LC_CODE_SIGNATURE points at bytes %d to %d, past the end of the %d-byte image", sigOffset, sigOffset+sigSize, size)
	}
	signature := make([]byte, sigSize)
	if _, err := r.ReadAt(signature, sigOffset); err != nil {
		return Slice{}, machOErrorf(arch, "cannot read the code signature: %v", err)
	}

	slice.Signed = true
	if err := parseSignature(&slice, signature); err != nil {
		return Slice{}, &MachOError{Arch: arch, Msg: err.Error(), Err: err}
	}
	return slice, nil
}

// findCodeSignature walks the load commands and returns the LC_CODE_SIGNATURE
// data offset and size.
func findCodeSignature(commands []byte, count uint32, order binary.ByteOrder, arch string) (offset, size int64, found bool, err error) {
	rest := commands
	for i := range count {
		if len(rest) < loadCmdHeader {
			return 0, 0, false, machOErrorf(arch, "load command %d is past the end of the load commands", i)
		}
		cmd, cmdSize := order.Uint32(rest), order.Uint32(rest[4:])
		if cmdSize < loadCmdHeader || uint64(cmdSize) > uint64(len(rest)) {
			return 0, 0, false, machOErrorf(arch, "load command %d declares %d bytes, but %d remain", i, cmdSize, len(rest))
		}
		if cmd == lcCodeSig {
			if cmdSize < 16 {
				return 0, 0, false, machOErrorf(arch, "LC_CODE_SIGNATURE is %d bytes (expected 16)", cmdSize)
			}
			return int64(order.Uint32(rest[8:])), int64(order.Uint32(rest[12:])), true, nil
		}
		rest = rest[cmdSize:]
	}
	return 0, 0, false, nil
}

// archName returns the name lipo and codesign use for a CPU type.
func archName(cpuType, cpuSubtype uint32) string {
	const abi64 = 0x01000000
	subtype := cpuSubtype &^ 0xff000000 // drop the capability bits
	switch cpuType {
	case 0:
		return ""
	case 7:
		return "i386"
	case 7 | abi64:
		if subtype == 8 {
			return "x86_64h"
		}
		return "x86_64"
	case 12:
		return "arm"
	case 12 | abi64:
		if subtype == 2 {
			return "arm64e"
		}
		return "arm64"
	case 12 | 0x02000000:
		return "arm64_32"
	case 18:
		return "ppc"
	case 18 | abi64:
		return "ppc64"
	}
	return fmt.Sprintf("cputype-%d", cpuType)
}
