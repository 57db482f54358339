package explain

import (
	"fmt"

	"github.com/sockdoctor/sockdoctor/checks"
	"github.com/sockdoctor/sockdoctor/entitlements"
	"github.com/sockdoctor/sockdoctor/report"
	"github.com/sockdoctor/sockdoctor/sandboxlog"
	"github.com/sockdoctor/sockdoctor/socket"
)

// errnoRules maps the errno of a failed connect(2) to the socket state rule
// that explains it, with the errno's name on macOS.
var errnoRules = map[int]struct {
	name string
	rule string
}{
	sandboxlog.ENOENT:       {"ENOENT", "socket-missing"},
	sandboxlog.EACCES:       {"EACCES", "socket-permission"},
	sandboxlog.ENOTSOCK:     {"ENOTSOCK", "not-a-socket"},
	sandboxlog.EPROTOTYPE:   {"EPROTOTYPE", "socket-wrong-type"},
	sandboxlog.ECONNREFUSED: {"ECONNREFUSED", "socket-stale"},
}

// afterSandboxCheck lists the errnos that XNU's unp_connect()
// (bsd/kern/uipc_usrreq.c) returns only after the sandbox check has passed.
// It looks the path up and checks the vnode type first, then calls the
// sandbox check, then checks write permission, the listener and the socket
// type.
var afterSandboxCheck = map[int]bool{
	sandboxlog.EACCES:       true,
	sandboxlog.ECONNREFUSED: true,
	sandboxlog.EPROTOTYPE:   true,
}

// explainSocketError explains a library message whose errno is not EPERM:
// the socket's state failed the connect, not the sandbox.
func explainSocketError(d *report.Denial, ev sandboxlog.Event, opts Options) {
	d.Kind = report.DenialSocketError
	call := "connect(2)"
	if ev.Operation == sandboxlog.OperationNetworkBind {
		call = "bind(2)"
	}
	if ev.Errno == sandboxlog.ENAMETOOLONG {
		explainPathTooLong(d, ev, call, opts)
		return
	}

	known, ok := errnoRules[ev.Errno]
	if !ok || ev.Operation == sandboxlog.OperationNetworkBind {
		// The socket state rules describe a failed connect, so a failed
		// bind gets only its errno.
		d.Meaning = fmt.Sprintf("%s failed with errno %d, which is not EPERM (1): the sandbox did not cause it", call, ev.Errno)
		return
	}

	when := "connect(2) looks the path up before the sandbox check, so the sandbox may still deny the connect once this is fixed"
	if afterSandboxCheck[ev.Errno] {
		when = "XNU checks this after the sandbox, so the sandbox let this connect through (inferred from the order of checks in unp_connect)"
	}
	d.Meaning = fmt.Sprintf("connect(2) failed with %s (%d), not EPERM: the socket's state caused it, not the sandbox; %s", known.name, ev.Errno, when)

	rule, ok := checks.Lookup(known.rule)
	if !ok {
		return
	}
	message := fmt.Sprintf("the client's connect to %s failed with %s", ev.Target, known.name)
	d.Findings = []checks.Finding{rule.NewFinding(opts.Distribution, message, "log line: "+ev.Raw, fmt.Sprintf("errno: %d (%s)", ev.Errno, known.name))}
}

// explainPathTooLong explains a client message that rejected a socket path
// longer than sun_path. Such clients check the length themselves and never
// call connect(2) or bind(2), so the sandbox was not asked.
func explainPathTooLong(d *report.Denial, ev sandboxlog.Event, call string, opts Options) {
	size := len(ev.Target)
	budget := socket.SunPathSize - 1
	d.Meaning = fmt.Sprintf("the client rejected the socket path before %s because it is %d bytes and sockaddr_un.sun_path holds at most %d bytes and a NUL; the sandbox did not cause it", call, size, budget)

	rule, ok := checks.Lookup("path-too-long")
	if !ok {
		return
	}
	message := fmt.Sprintf("%s is %d bytes, %d over the budget of %d bytes", ev.Target, size, size-budget, budget)
	if size <= budget {
		// The client may count bytes differently, such as with a longer
		// suffix it adds to the logged path.
		message = fmt.Sprintf("the client reported %s as too long, though it is %d bytes, within the budget of %d bytes", ev.Target, size, budget)
	}
	d.Findings = []checks.Finding{rule.NewFinding(opts.Distribution, message,
		"log line: "+ev.Raw,
		fmt.Sprintf("path bytes: %d, budget: %d (sun_path is %d bytes with the NUL)", size, budget, socket.SunPathSize))}
}

// explainNetwork names the network entitlement that allows an IP denial.
func explainNetwork(d *report.Denial, ev sandboxlog.Event, opts Options) {
	d.Kind = report.DenialNetwork
	key, what := entitlements.KeyNetworkClient, "outgoing connections (Xcode: App Sandbox, Outgoing Connections (Client))"
	if ev.Operation != sandboxlog.OperationNetworkOutbound {
		key, what = entitlements.KeyNetworkServer, "listening and incoming connections (Xcode: App Sandbox, Incoming Connections (Server))"
	}
	need := fmt.Sprintf("%s to the IP endpoint %s needs %s, which allows %s", ev.Operation, ev.Target, key, what)

	switch {
	case opts.Target == nil:
		d.Meaning = need + ". If the app lacks it, add it and re-sign; if the app has it, the process was denied by another sandbox profile (a custom sandbox-exec profile) or does not carry the app's entitlements."
	case opts.Target.Entitlements.Bool(key):
		d.Meaning = need + ". The app has it, so another sandbox profile denied this process (a custom sandbox-exec profile), or the process does not carry the app's entitlements."
	default:
		d.Meaning = need + ". The app lacks it: add it to the entitlements and re-sign."
	}
}

// explainOther gives the meaning of an operation sockdoctor has no rules
// for, without a diagnosis.
func explainOther(d *report.Denial, ev sandboxlog.Event) {
	d.Kind = report.DenialOther
	meaning := sandboxlog.OperationMeaning(ev.Operation)
	if meaning == "" {
		d.Meaning = fmt.Sprintf("%s: an operation sockdoctor has no description of; it is not a socket operation sockdoctor diagnoses", ev.Operation)
		return
	}
	d.Meaning = ev.Operation + ": " + meaning
}
