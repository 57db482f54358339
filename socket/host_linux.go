package socket

// hostErrnoNames names the errno values of the host running the test connect.
var hostErrnoNames = linuxErrnoNames

// hostSunPathSize is sun_path on the host: 108 bytes on Linux (linux/un.h).
// Go's syscall package rejects a path of this many bytes or more with EINVAL.
const hostSunPathSize = 108

// hostHasDocumentedLinks is false: this host has none of the symlinks in
// documentedLinks, so Inspect models them even without ModelOutsideHome.
const hostHasDocumentedLinks = false

// hostLayoutLinks are symlinks of the Linux file system layout that macOS
// does not have: many distributions link /var/run and /var/lock to /run,
// while on macOS /private/var/run is a real folder. Following them would
// classify /var/run/x as /run/x.
var hostLayoutLinks = map[string]bool{
	"/var/run":  true,
	"/var/lock": true,
}
