// Package socket inspects a Unix domain socket path the way the macOS kernel
// and App Sandbox see it: the resolved path, its length against sun_path, its
// type, mode and owner, where it sits relative to the app's containers, and
// what a test connect returns.
package socket

// Location classifies a resolved socket path relative to the places the App
// Sandbox profile lets an app reach. The values are part of the JSON report.
type Location string

const (
	LocationOwnContainer      Location = "own-container"
	LocationAppGroup          Location = "app-group"
	LocationOtherAppContainer Location = "other-app-container"
	LocationOtherGroup        Location = "other-group"
	LocationVarRun            Location = "var-run"
	LocationTmp               Location = "tmp"
	LocationHome              Location = "home"
	LocationSystem            Location = "system"
	LocationOther             Location = "other"
)

// DialResult classifies the outcome of a test connect. The values are part of
// the JSON report.
type DialResult string

const (
	DialConnected        DialResult = "connected"
	DialRefused          DialResult = "refused"
	DialNotFound         DialResult = "not-found"
	DialPermissionDenied DialResult = "permission-denied"
	DialNotASocket       DialResult = "not-a-socket"
	DialWrongType        DialResult = "wrong-type"
	DialTimeout          DialResult = "timeout"
	DialPathTooLong      DialResult = "path-too-long"
	DialSkipped          DialResult = "skipped"
)

// SunPathSize is the size of sockaddr_un.sun_path on Darwin: 103 usable bytes
// plus the terminating NUL (xnu bsd/sys/un.h).
const SunPathSize = 104
