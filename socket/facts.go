package socket

import "strings"

// VarRun is the one system folder whose sockets application.sb lets every
// sandboxed app connect to (macOS 14.4 and 26.6), apart from the special
// sockets below. It is the resolved form of /var/run.
const VarRun = "/private/var/run"

// MaxPathBytes is the longest socket path sun_path holds: SunPathSize less
// the terminating NUL.
const MaxPathBytes = SunPathSize - 1

// Resolved paths of the special sockets under VarRun.
const (
	MDNSResponderPath = VarRun + "/mDNSResponder"
	CupsdPath         = VarRun + "/cupsd"
	UsbmuxdPath       = VarRun + "/usbmuxd"
)

// SpecialSocket is a socket under VarRun that application.sb (macOS 14.4
// and 26.6) denies, or allows only with an entitlement.
type SpecialSocket struct {
	Name string // file name, such as "mDNSResponder"
	Path string // resolved macOS path
	Rule string // what it takes to reach it, as a clause
}

var specialSockets = []SpecialSocket{
	{Name: "mDNSResponder", Path: MDNSResponderPath, Rule: "reachable only with com.apple.security.network.client or network.server"},
	{Name: "cupsd", Path: CupsdPath, Rule: "reachable only with com.apple.security.print"},
	{Name: "usbmuxd", Path: UsbmuxdPath, Rule: "denied to every sandboxed app unless an sbpl exception allows it"},
}

// LookupSpecialSocket returns the special socket whose resolved path is
// resolved. It compares the whole path, so a file named mDNSResponder
// elsewhere is no special socket.
func LookupSpecialSocket(resolved string) (SpecialSocket, bool) {
	for _, s := range specialSockets {
		if s.Path == resolved {
			return s, true
		}
	}
	return SpecialSocket{}, false
}

// Within reports whether path is dir or lies below it. Both must be clean
// absolute paths, except that a trailing slash on dir is ignored. An empty
// dir contains nothing, and "/" contains every absolute path.
func Within(path, dir string) bool {
	switch dir {
	case "":
		return false
	case "/":
		return strings.HasPrefix(path, "/")
	}
	dir = strings.TrimSuffix(dir, "/")
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// TeamIDLength is the length of an Apple Developer Team ID.
const TeamIDLength = 10

// ValidTeamID reports whether id is an Apple Developer Team ID: ten
// upper-case ASCII letters or digits, such as ABCDE12345.
func ValidTeamID(id string) bool {
	if len(id) != TeamIDLength {
		return false
	}
	for _, c := range []byte(id) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// TeamPrefix returns the Team ID that prefixes a group ID such as
// "2BUA8C4S2C.com.1password": a Team ID followed by a dot. It returns ""
// when the ID has no such prefix ("group.com.example").
func TeamPrefix(groupID string) string {
	if len(groupID) <= TeamIDLength || groupID[TeamIDLength] != '.' || !ValidTeamID(groupID[:TeamIDLength]) {
		return ""
	}
	return groupID[:TeamIDLength]
}
