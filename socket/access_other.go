//go:build !unix

package socket

import "io/fs"

const (
	accessWrite  = 0x2
	accessSearch = 0x1
)

// canAccess reports true: hosts without Unix permissions have nothing to
// check.
func canAccess(path string, mode uint32) bool { return true }

// fileOwner returns "": the host has no Unix file owners.
func fileOwner(fi fs.FileInfo) string { return "" }
