package cli

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sockdoctor/sockdoctor/internal/fixture"
	"github.com/sockdoctor/sockdoctor/socket"
)

// Script commands for the check scripts: live Unix sockets in the script's
// work folder, signed app bundles, and files with $WORK and $HOME expanded.
func init() {
	scriptCommandSet["listen"] = cmdListen
	scriptCommandSet["stalesock"] = cmdStaleSocket
	scriptCommandSet["buildapp"] = cmdBuildApp
	scriptCommandSet["envsubst"] = cmdEnvSubst
	scriptCommandSet["longpath"] = cmdLongPath
	scriptCommandSet["shorthome"] = cmdShortHome
}

// cmdListen starts a server on a Unix socket until the script ends:
//
//	listen [-dgram] PATH
//
// A stream server responds to every HTTP request with 200 and "ok", like a tiny
// Docker Engine API; a datagram server reads and drops packets.
func cmdListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! listen")
	}
	flags := flag.NewFlagSet("listen", flag.ContinueOnError)
	dgram := flags.Bool("dgram", false, "listen on a datagram socket")
	if err := flags.Parse(args); err != nil || flags.NArg() != 1 {
		ts.Fatalf("usage: listen [-dgram] PATH")
	}
	path := ts.MkAbs(flags.Arg(0))
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))

	if *dgram {
		conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
		ts.Check(err)
		ts.Defer(func() { conn.Close() })
		go func() {
			buf := make([]byte, 512)
			for {
				if _, _, err := conn.ReadFrom(buf); err != nil {
					return
				}
			}
		}()
		return
	}

	listener, err := net.Listen("unix", path)
	ts.Check(err)
	server := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})}
	go server.Serve(listener)
	ts.Defer(func() { server.Close() })
}

// cmdStaleSocket leaves a socket file with no listener behind, as a crashed
// server does:
//
//	stalesock PATH
func cmdStaleSocket(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stalesock PATH")
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	listener, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	ts.Check(err)
	listener.SetUnlinkOnClose(false)
	ts.Check(listener.Close())
}

// signerNames maps a signature kind to the common name of a leaf
// certificate of that kind; "" signs ad hoc.
var signerNames = map[string]string{
	"developer-id": "Developer ID Application: Example Corp (%s)",
	"app-store":    "Apple Distribution: Example Corp (%s)",
	"development":  "Apple Development: Example Corp (%s)",
	"adhoc":        "",
}

// cmdBuildApp writes a signed app bundle with the fixture package:
//
//	buildapp [-team ID] [-signer KIND] [-profile-groups G1,G2] DIR NAME BUNDLE-ID ENTITLEMENTS-FILE
//
// KIND is developer-id (the default), app-store, development or adhoc. The
// bundle is DIR/NAME.app.
func cmdBuildApp(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! buildapp")
	}
	flags := flag.NewFlagSet("buildapp", flag.ContinueOnError)
	team := flags.String("team", "ABCDE12345", "Team ID of the signature")
	signer := flags.String("signer", "developer-id", "signature kind")
	profileGroups := flags.String("profile-groups", "", "comma-separated groups an embedded profile authorises")
	if err := flags.Parse(args); err != nil || flags.NArg() != 4 {
		ts.Fatalf("usage: buildapp [-team ID] [-signer KIND] [-profile-groups G1,G2] DIR NAME BUNDLE-ID ENTITLEMENTS-FILE")
	}
	cn, ok := signerNames[*signer]
	if !ok {
		ts.Fatalf("unknown signer kind %q", *signer)
	}
	if cn != "" {
		cn = fmt.Sprintf(cn, *team)
	}
	teamID := *team
	if *signer == "adhoc" {
		teamID = ""
	}

	app := fixture.App{
		Name:     flags.Arg(1),
		BundleID: flags.Arg(2),
		Signing: fixture.Signing{
			Identifier:   flags.Arg(2),
			TeamID:       teamID,
			Entitlements: ts.ReadFile(flags.Arg(3)),
			Signer:       cn,
		},
	}
	if *profileGroups != "" {
		app.ProfileTeamID = *team
		app.ProfileGroups = strings.Split(*profileGroups, ",")
	}
	_, err := fixture.WriteApp(ts.MkAbs(flags.Arg(0)), app)
	ts.Check(err)
}

// cmdEnvSubst expands the script's environment variables, such as $WORK or
// a folder from shorthome, in a file in place, for entitlements that name
// absolute paths. A variable that is not set stays as written:
//
//	envsubst FILE
func cmdEnvSubst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: envsubst FILE")
	}
	path := ts.MkAbs(args[0])
	text := os.Expand(ts.ReadFile(args[0]), func(name string) string {
		if value := ts.Getenv(name); value != "" {
			return value
		}
		return "$" + name
	})
	ts.Check(os.WriteFile(path, []byte(text), 0o644))
}

// cmdLongPath sets VAR to a path under DIR that is exactly N bytes long:
//
//	longpath VAR DIR N
func cmdLongPath(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: longpath VAR DIR N")
	}
	var n int
	if _, err := fmt.Sscan(args[2], &n); err != nil {
		ts.Fatalf("invalid length %q", args[2])
	}
	dir := ts.MkAbs(args[1]) + "/"
	const suffix = ".sock"
	if n < len(dir)+len(suffix)+1 {
		ts.Fatalf("%s is already %d bytes, too long for a %d-byte path", dir, len(dir), n)
	}
	ts.Setenv(args[0], dir+strings.Repeat("s", n-len(dir)-len(suffix))+suffix)
}

// cmdShortHome creates an empty folder with a short path and sets VAR to it,
// for scripts whose sockets must stay under the 104 bytes of sun_path. $WORK
// alone is often 60 bytes long. VAR_MAC is set to the folder's macOS form
// (/tmp/x is /private/tmp/x), for entitlements that must name resolved
// paths. The folder is removed when the script ends.
//
//	shorthome VAR
func cmdShortHome(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: shorthome VAR")
	}
	dir, err := os.MkdirTemp("", "sd")
	ts.Check(err)
	ts.Defer(func() { os.RemoveAll(dir) })
	ts.Setenv(args[0], dir)
	ts.Setenv(args[0]+"_MAC", socket.MacOSPath(dir))
}
