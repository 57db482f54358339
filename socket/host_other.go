//go:build !darwin && !linux

package socket

// hostErrnoNames is empty on hosts other than Darwin and Linux: a failed
// test connect is then reported as DialFailed with the error text, unless it
// timed out.
var hostErrnoNames = map[uintptr]string{}

// hostSunPathSize assumes the BSD size of sun_path.
const hostSunPathSize = SunPathSize

// hostHasDocumentedLinks is false: this host has none of the symlinks in
// documentedLinks, so Inspect models them even without ModelOutsideHome.
const hostHasDocumentedLinks = false

// hostLayoutLinks is empty: every symlink is followed.
var hostLayoutLinks = map[string]bool{}
