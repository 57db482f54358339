package socket

// hostErrnoNames names the errno values of the host running the test connect.
var hostErrnoNames = darwinErrnoNames

// hostSunPathSize is sun_path on the host; Go's syscall package rejects a
// path of this many bytes or more with EINVAL before calling connect(2).
const hostSunPathSize = SunPathSize

// hostHasDocumentedLinks is true on a Mac, where a documented symlink such
// as /var/run/docker.sock is read as it is.
const hostHasDocumentedLinks = true

// hostLayoutLinks are symlinks of the host's own layout that macOS does not
// have, which resolution must not follow. On macOS every link is real.
var hostLayoutLinks = map[string]bool{}
