package checks

import (
	"strings"

	"github.com/sockdoctor/sockdoctor/socket"
)

// MaxBundleIDBytes bounds a bundle ID. The ID names the app's container
// folder, and a macOS file name has at most 255 bytes (NAME_MAX).
const MaxBundleIDBytes = 255

// ValidBundleID reports whether id is a bundle ID. Apple's documentation of
// CFBundleIdentifier allows letters, digits, "-" and "." only. sockdoctor
// also rejects empty dot-separated parts, so a valid ID is always one path
// component: it never contains "/" and is never "." or "..".
func ValidBundleID(id string) bool {
	if id == "" || len(id) > MaxBundleIDBytes {
		return false
	}
	for _, part := range strings.Split(id, ".") {
		if part == "" {
			return false
		}
		for _, c := range part {
			if !isASCIILetter(c) && !isASCIIDigit(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// BundleIDHint is the hint for an invalid bundle ID.
const BundleIDHint = "pass the app's CFBundleIdentifier, letters, digits, \"-\" and \".\" only, such as com.example.MyApp"

// ValidTeamID reports whether id is an Apple Developer Team ID: ten
// upper-case letters or digits, such as ABCDE12345. It is
// socket.ValidTeamID, kept here for the command-line flag checks.
func ValidTeamID(id string) bool { return socket.ValidTeamID(id) }

// TeamIDHint is the hint for an invalid Team ID.
const TeamIDHint = "pass the ten-character Team ID, upper-case letters and digits, such as ABCDE12345"

func isASCIILetter(c rune) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isASCIIDigit(c rune) bool  { return '0' <= c && c <= '9' }

// isPathComponent reports whether s names one entry of a folder: not
// empty, not "." or "..", and without "/" or NUL.
func isPathComponent(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\x00")
}
