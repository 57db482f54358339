package checks

import (
	"testing"
)

func TestSBPLAllows(t *testing.T) {
	const usbmuxd = "/private/var/run/usbmuxd"
	tests := []struct {
		name      string
		src       string
		operation string
		path      string
		want      bool
		wantErr   bool
	}{
		{name: "literal", src: `(allow network-outbound (literal "/private/var/run/usbmuxd"))`, operation: "network-outbound", path: usbmuxd, want: true},
		{name: "literal other path", src: `(allow network-outbound (literal "/private/var/run/usbmuxd"))`, operation: "network-outbound", path: "/private/var/run/other", want: false},
		{name: "literal unresolved alias", src: `(allow network-outbound (literal "/var/run/usbmuxd"))`, operation: "network-outbound", path: usbmuxd, want: false},
		{name: "other operation", src: `(allow network-outbound (literal "/private/var/run/usbmuxd"))`, operation: "network-bind", path: usbmuxd, want: false},
		{name: "remote unix socket", src: `(allow network-outbound (remote unix-socket (path-literal "/private/var/run/usbmuxd")))`, operation: "network-outbound", path: usbmuxd, want: true},
		{name: "subpath", src: `(allow network* (subpath "/Users/user/.docker"))`, operation: "network-bind", path: "/Users/user/.docker/run/docker.sock", want: true},
		{name: "subpath sibling", src: `(allow network* (subpath "/Users/user/.docker"))`, operation: "network-outbound", path: "/Users/user/.dockerx/s", want: false},
		{name: "regex", src: `(allow network-outbound (regex #"^/private/tmp/mysql\.sock$"))`, operation: "network-outbound", path: "/private/tmp/mysql.sock", want: true},
		{name: "invalid regex", src: `(allow network-outbound (regex #"(["))`, operation: "network-outbound", path: "/x", want: false},
		{name: "no filter", src: `(allow network-outbound)`, operation: "network-outbound", path: "/anything", want: true},
		{name: "later deny wins", src: "(allow network-outbound (subpath \"/a\"))\n(deny network-outbound (literal \"/a/b\"))", operation: "network-outbound", path: "/a/b", want: false},
		{name: "unknown filter", src: `(allow network-outbound (vnode-type SOCKET))`, operation: "network-outbound", path: "/a", want: false},
		{name: "require-all", src: `(allow network-outbound (require-all (subpath "/a") (require-not (literal "/a/x"))))`, operation: "network-outbound", path: "/a/y", want: true},
		{name: "require-not unknown filter", src: `(allow network-outbound (require-not (vnode-type DIRECTORY)))`, operation: "network-outbound", path: "/private/tmp/mysql.sock", want: false},
		{name: "require-any with unknown filter", src: `(allow network-outbound (require-any (literal "/a") (vnode-type SOCKET)))`, operation: "network-outbound", path: "/a", want: false},
		{name: "unknown filter beside a match", src: `(allow network-outbound (literal "/a") (vnode-type SOCKET))`, operation: "network-outbound", path: "/a", want: false},
		{name: "require-not regex", src: `(allow network-outbound (require-not (regex #"^/b")))`, operation: "network-outbound", path: "/a", want: true},
		{name: "require-not excludes", src: `(allow network-outbound (require-all (subpath "/a") (require-not (literal "/a/x"))))`, operation: "network-outbound", path: "/a/x", want: false},
		{name: "comments", src: "; usbmuxd\n#| block |# (allow network-outbound (literal \"/private/var/run/usbmuxd\")) ; end", operation: "network-outbound", path: usbmuxd, want: true},
		{name: "file rule only", src: `(allow file-read* (literal "/private/var/run/usbmuxd"))`, operation: "network-outbound", path: usbmuxd, want: false},
		{name: "unbalanced", src: `(allow network-outbound (literal "/x")`, operation: "network-outbound", path: "/x", wantErr: true},
		{name: "stray close", src: `)`, operation: "network-outbound", path: "/x", wantErr: true},
		{name: "unterminated string", src: `(allow network-outbound (literal "/x))`, operation: "network-outbound", path: "/x", wantErr: true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sbplAllows(tt.src, tt.operation, tt.path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %t", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("allowed = %t, want %t", got, tt.want)
			}
		})
	}
}

func TestSBPLDepthLimit(t *testing.T) {
	deep := ""
	for range maxSBPLDepth + 10 {
		deep += "("
	}
	if _, err := parseSBPL(deep); err == nil {
		t.Fatal("parsing deeply nested forms succeeded, want an error")
	}
}

// FuzzSBPLAllows feeds arbitrary profile text to the evaluator, which must
// return without panicking or hanging.
func FuzzSBPLAllows(f *testing.F) {
	f.Add(`(allow network-outbound (literal "/private/var/run/usbmuxd"))`, "/private/var/run/usbmuxd")
	f.Add(`(allow network* (require-any (subpath "/a") (regex #"^/b")))`, "/b/c")
	f.Add("#| x |# ; y\n(deny default)", "/")
	f.Fuzz(func(t *testing.T, src, path string) {
		for _, op := range []string{"network-outbound", "network-bind"} {
			_, _ = sbplAllows(src, op, path)
		}
	})
}
