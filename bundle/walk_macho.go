package bundle

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"syscall"
)

// Mach-O header values from <mach-o/loader.h> and <mach-o/fat.h>.
const (
	machOMagic32   = 0xfeedface
	machOMagic64   = 0xfeedfacf
	fatMagic       = 0xcafebabe
	fatMagic64     = 0xcafebabf
	machOExecute   = 0x2 // MH_EXECUTE
	fatArchSize    = 20  // struct fat_arch
	fatArch64Size  = 32  // struct fat_arch_64
	maxFatArchs    = 64  // more than any real universal binary; Java class files share the fat magic
	machOHeaderLen = 16  // magic, cputype, cpusubtype, filetype
)

// isMachOExecutable reports whether the regular file at path is a thin or
// fat Mach-O whose (first) slice is an MH_EXECUTE image. It opens the file
// without blocking and rejects anything that is not a regular file, so a
// FIFO swapped in after the walk listed it is never read.
func isMachOExecutable(path string) (bool, error) {
	file, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false, err
	}
	defer file.Close()

	info, err := file.Stat()
	if err != nil {
		return false, err
	}
	if !info.Mode().IsRegular() {
		return false, ErrNotRegular
	}
	return IsMachOExecutable(file, info.Size())
}

// IsMachOExecutable reports whether r, of size bytes, holds a thin Mach-O
// executable or a fat file whose first slice is one. Files that are too
// short or carry another magic are not executables; only read errors are
// returned as errors.
func IsMachOExecutable(r io.ReaderAt, size int64) (bool, error) {
	var header [machOHeaderLen]byte
	if size < machOHeaderLen {
		return false, nil
	}
	if _, err := r.ReadAt(header[:], 0); err != nil {
		return false, err
	}

	switch binary.BigEndian.Uint32(header[:4]) {
	case fatMagic, fatMagic64:
		return fatFirstSliceExecutable(r, size, header[:])
	}
	return thinExecutable(header[:]), nil
}

// thinExecutable reads the file type of a thin Mach-O header in either byte
// order.
func thinExecutable(header []byte) bool {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		switch order.Uint32(header[:4]) {
		case machOMagic32, machOMagic64:
			return order.Uint32(header[12:16]) == machOExecute
		}
	}
	return false
}

func fatFirstSliceExecutable(r io.ReaderAt, size int64, header []byte) (bool, error) {
	is64 := binary.BigEndian.Uint32(header[:4]) == fatMagic64
	count := binary.BigEndian.Uint32(header[4:8])
	if count == 0 || count > maxFatArchs {
		return false, nil
	}

	archSize := fatArchSize
	if is64 {
		archSize = fatArch64Size
	}
	arch := make([]byte, archSize)
	if int64(8+archSize) > size {
		return false, nil
	}
	if _, err := r.ReadAt(arch, 8); err != nil {
		return false, err
	}

	var offset uint64
	if is64 {
		offset = binary.BigEndian.Uint64(arch[8:16])
	} else {
		offset = uint64(binary.BigEndian.Uint32(arch[8:12]))
	}
	if offset > uint64(size) || uint64(size)-offset < machOHeaderLen {
		return false, nil
	}

	slice := make([]byte, machOHeaderLen)
	if _, err := r.ReadAt(slice, int64(offset)); err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return thinExecutable(slice), nil
}
