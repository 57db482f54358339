// Command demo shows sockdoctor's main job without a Mac: it builds a
// sandboxed app bundle signed with go-macho in a temporary home folder,
// starts a small HTTP server on that home's ~/.docker/run/docker.sock, and
// runs `sockdoctor check` twice. The first run is the Docker case, which is
// denied and gets the workaround. The second is the fix: the same server's
// socket in an app group container that the app claims with a
// Team-ID-prefixed group ID, which is allowed. `make demo` runs it.
//
// With -keep DIR the app bundle and the home folder are written to DIR and
// kept, so check, lint and entitlements can be rerun on them. The servers
// stop when the demo ends and leave their socket files behind.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/sockdoctor/sockdoctor/internal/cli"
	"github.com/sockdoctor/sockdoctor/internal/fixture"
	"github.com/sockdoctor/sockdoctor/socket"
)

const (
	teamID   = "ABCDE12345"
	bundleID = "com.example.MyApp"
	// groupID is short on purpose: the socket path in its container must
	// stay within the 103 bytes of sun_path.
	groupID = teamID + ".ex"
)

// entitlements are those of a typical sandboxed app that talks to Docker:
// App Sandbox, outgoing network connections, and one app group.
const entitlements = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.app-sandbox</key>
	<true/>
	<key>com.apple.security.network.client</key>
	<true/>
	<key>com.apple.security.application-groups</key>
	<array>
		<string>` + groupID + `</string>
	</array>
</dict>
</plist>
`

func main() {
	keep := flag.String("keep", "", "write the app bundle and home folder to this new or empty `folder` and keep them")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "demo: error: unexpected argument %q\ndemo: hint: pass only -keep DIR\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(os.Stdout, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "demo: error: %v\n", err)
		os.Exit(1)
	}
}

// run runs the demo in a temporary folder, or in keepDir when it is not
// empty, which it then leaves in place.
func run(out io.Writer, keepDir string) error {
	root, cleanup, err := demoRoot(keepDir)
	if err != nil {
		return err
	}
	defer cleanup()
	home := filepath.Join(root, "home")

	app, err := fixture.WriteApp(root, fixture.App{
		Name:     "MyApp",
		BundleID: bundleID,
		Signing: fixture.Signing{
			Identifier:   bundleID,
			TeamID:       teamID,
			Entitlements: entitlements,
			Signer:       "Developer ID Application: Example Corp (" + teamID + ")",
		},
	})
	if err != nil {
		return fmt.Errorf("cannot build the app bundle: %w", err)
	}

	dockerSock := filepath.Join(home, ".docker", "run", "docker.sock")
	groupSock := filepath.Join(home, "Library", "Group Containers", groupID, "docker.sock")
	stop, err := serve(keepDir != "", dockerSock, groupSock)
	if err != nil {
		return err
	}
	defer stop()

	fmt.Fprintf(out, "Temporary home: %s\nApp: %s (sandboxed, Developer ID, team %s, app group %s)\n", home, app, teamID, groupID)
	if err := showServerResponse(out, dockerSock); err != nil {
		return err
	}

	streams := cli.StandardIO()
	streams.Out = out
	streams.OutIsTerminal = out == os.Stdout && isatty.IsTerminal(os.Stdout.Fd())

	steps := []struct{ title, socket string }{
		{"1. The Docker case: the server's socket is in the home folder", dockerSock},
		{"2. The fix: the same server's socket in the claimed app group container", groupSock},
	}
	for _, step := range steps {
		args := []string{"check", "--app", app, "--home", home, "--socket", step.socket}
		fmt.Fprintf(out, "\n== %s\n$ sockdoctor %s\n\n", step.title, strings.Join(quoteArgs(args), " "))
		code := cli.Main(args, streams)
		fmt.Fprintf(out, "\n(exit status %d)\n", code)
	}

	if keepDir != "" {
		fmt.Fprintf(out, "\nKept the app and the home folder in %s. The servers have stopped, so the socket files are stale. Rerun:\n", root)
		for _, args := range [][]string{
			{"check", "--app", app, "--home", home, "--socket", dockerSock},
			{"lint", app},
			{"entitlements", app},
		} {
			fmt.Fprintf(out, "  sockdoctor %s\n", strings.Join(quoteArgs(args), " "))
		}
	}
	return nil
}

// demoRoot returns the folder to build the demo in and the function that
// cleans it up: a new temporary folder that is removed, or keepDir, which
// must be new or empty and is kept.
func demoRoot(keepDir string) (root string, cleanup func(), err error) {
	if keepDir == "" {
		// A short temporary folder keeps the group socket path under 104
		// bytes.
		root, err := os.MkdirTemp("", "sd")
		if err != nil {
			return "", nil, fmt.Errorf("cannot create the temporary home: %w", err)
		}
		return root, func() { os.RemoveAll(root) }, nil
	}

	root, err = filepath.Abs(keepDir)
	if err != nil {
		return "", nil, fmt.Errorf("invalid -keep %q: %w", keepDir, err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", nil, fmt.Errorf("cannot create the -keep folder: %w", err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", nil, fmt.Errorf("cannot read the -keep folder: %w", err)
	}
	if len(entries) > 0 {
		return "", nil, fmt.Errorf("invalid -keep %q: the folder is not empty; pass a new or empty folder", keepDir)
	}

	// The longer socket path is the group one: the home, then
	// /Library/Group Containers/<group>/docker.sock.
	groupSock := filepath.Join(root, "home", "Library", "Group Containers", groupID, "docker.sock")
	if len(groupSock) >= socket.SunPathSize {
		return "", nil, fmt.Errorf("invalid -keep %q: the group socket path %s would be %d bytes, and a Unix socket path must stay under %d bytes; pass a shorter folder such as /tmp/sd-demo",
			keepDir, groupSock, len(groupSock), socket.SunPathSize)
	}
	return root, func() {}, nil
}

// serve starts one HTTP server, like a tiny Docker Engine API, on every
// socket path, and returns a function that stops it. With keepFiles the
// socket files stay when it stops.
func serve(keepFiles bool, paths ...string) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"Version":"demo","ApiVersion":"1.47"}`)
	})
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			server.Close()
			return nil, fmt.Errorf("cannot create the socket folder: %w", err)
		}
		listener, err := net.Listen("unix", p)
		if err != nil {
			server.Close()
			return nil, fmt.Errorf("cannot listen on %s: %w", p, err)
		}
		listener.(*net.UnixListener).SetUnlinkOnClose(!keepFiles)
		go server.Serve(listener)
	}
	return func() { server.Close() }, nil
}

// showServerResponse fetches /version over the socket, as
// `curl --unix-socket` would, to show that the server is real.
func showServerResponse(out io.Writer, socketPath string) error {
	client := &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socketPath)
		}},
	}
	resp, err := client.Get("http://docker/version")
	if err != nil {
		return fmt.Errorf("the demo server did not respond on %s: %w", socketPath, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return fmt.Errorf("cannot read the demo server's response: %w", err)
	}
	fmt.Fprintf(out, "Server: GET /version over %s returns %s %s", socketPath, resp.Status, body)
	return nil
}

// quoteArgs quotes the arguments that contain spaces, for the echoed
// command line.
func quoteArgs(args []string) []string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t") {
			a = "'" + a + "'"
		}
		quoted[i] = a
	}
	return quoted
}
