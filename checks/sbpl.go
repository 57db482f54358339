package checks

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/sockdoctor/sockdoctor/socket"
)

// This file evaluates the strings of the com.apple.security.temporary-exception.sbpl
// entitlement far enough to tell whether they allow one operation on one
// socket path. The sandbox appends them to the built-in profile
// (application.sb), so their allow rules can reach any socket, for example
// (allow network-outbound (literal "/private/var/run/usbmuxd")) in Apple's own
// AMPDeviceDiscoveryAgent.
//
// The evaluator understands allow and deny rules, the operations
// network-outbound, network-bind, network* and default, and the filters
// literal, path-literal, subpath, prefix, regex, path-regex, remote, local,
// require-any, require-all and require-not. A rule with any other filter,
// or a regex that Go's regexp package rejects, is treated as not matching,
// even where the filter sits under require-not, so the tool never claims an
// exception allows a path it cannot read. NOTE: the same holds for deny
// rules, so an unreadable deny rule does not block a path either.

// maxSBPLDepth bounds the nesting of parenthesised forms; real exceptions
// nest three or four levels.
const maxSBPLDepth = 64

// sexpr is one parsed SBPL value: a list, a symbol, a string or a regex
// literal (#"...").
type sexpr struct {
	list   []sexpr
	isList bool
	atom   string
	isStr  bool
	isRe   bool
}

// parseSBPL reads every top-level form of src.
func parseSBPL(src string) ([]sexpr, error) {
	p := &sbplParser{src: src}
	var forms []sexpr
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return forms, nil
		}
		form, err := p.parse(0)
		if err != nil {
			return nil, err
		}
		forms = append(forms, form)
	}
}

type sbplParser struct {
	src string
	pos int
}

func (p *sbplParser) skipSpace() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ';':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case strings.HasPrefix(p.src[p.pos:], "#|"):
			end := strings.Index(p.src[p.pos+2:], "|#")
			if end < 0 {
				p.pos = len(p.src)
				return
			}
			p.pos += end + 4
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *sbplParser) parse(depth int) (sexpr, error) {
	if depth > maxSBPLDepth {
		return sexpr{}, fmt.Errorf("forms nested deeper than %d levels", maxSBPLDepth)
	}
	p.skipSpace()
	if p.pos >= len(p.src) {
		return sexpr{}, errors.New("unexpected end of text")
	}

	switch c := p.src[p.pos]; {
	case c == '(':
		p.pos++
		list := sexpr{isList: true}
		for {
			p.skipSpace()
			if p.pos >= len(p.src) {
				return sexpr{}, errors.New("missing )")
			}
			if p.src[p.pos] == ')' {
				p.pos++
				return list, nil
			}
			item, err := p.parse(depth + 1)
			if err != nil {
				return sexpr{}, err
			}
			list.list = append(list.list, item)
		}
	case c == ')':
		return sexpr{}, fmt.Errorf("unexpected ) at byte %d", p.pos)
	case c == '"':
		s, err := p.quoted()
		return sexpr{atom: s, isStr: true}, err
	case strings.HasPrefix(p.src[p.pos:], `#"`):
		p.pos++
		s, err := p.quoted()
		return sexpr{atom: s, isRe: true}, err
	default:
		start := p.pos
		for p.pos < len(p.src) && !strings.ContainsRune(" \t\r\n()\";", rune(p.src[p.pos])) {
			p.pos++
		}
		return sexpr{atom: p.src[start:p.pos]}, nil
	}
}

// quoted reads a double-quoted string starting at p.pos, with backslash
// escapes.
func (p *sbplParser) quoted() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 < len(p.src) {
				p.pos++
				c = p.src[p.pos]
			}
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", fmt.Errorf("unterminated string starting at byte %d", start)
}

// Actions of an SBPL rule.
const (
	sbplAllow = "allow"
	sbplDeny  = "deny"
)

// sbplAllows reports whether the SBPL rules in src allow operation
// ("network-outbound" or "network-bind") on the resolved path.
func sbplAllows(src, operation, resolved string) (allowed bool, err error) {
	action, err := sbplAction(src, operation, resolved)
	return action == sbplAllow, err
}

// sbplAction returns the action of the last rule in src that matches
// operation on the resolved path, or "" when no rule matches, because later
// profile text overrides earlier text.
// NOTE: the order is inferred from how the sandbox appends the exception
// after application.sb, not observed on a Mac.
func sbplAction(src, operation, resolved string) (string, error) {
	forms, err := parseSBPL(src)
	if err != nil {
		return "", err
	}
	var action string
	for _, form := range forms {
		a, ok := ruleAction(form)
		if ok && ruleCovers(form, operation, resolved) {
			action = a
		}
	}
	return action, nil
}

// sbplDecision evaluates every sbpl exception string in order and returns
// the action of the last matching rule, with the string that holds it. A
// string that does not parse is skipped, so the tool never claims that text
// it cannot read allows or denies a path.
func sbplDecision(sources []string, operation, resolved string) (action, source string) {
	for _, src := range sources {
		a, err := sbplAction(src, operation, resolved)
		if err != nil || a == "" {
			continue
		}
		action, source = a, src
	}
	return action, source
}

// ruleAction returns "allow" or "deny" for a rule form.
func ruleAction(form sexpr) (string, bool) {
	if !form.isList || len(form.list) == 0 || form.list[0].isList {
		return "", false
	}
	switch head := form.list[0].atom; head {
	case sbplAllow, sbplDeny:
		return head, true
	}
	return "", false
}

// ruleCovers reports whether a rule names the operation and its filters
// match the path. A rule without filters matches every path, and a rule
// with any filter the evaluator does not understand matches none.
func ruleCovers(form sexpr, operation, resolved string) bool {
	namesOperation := false
	var filters []sexpr
	for _, item := range form.list[1:] {
		if item.isList {
			filters = append(filters, item)
			continue
		}
		if !item.isStr && !item.isRe && operationMatches(item.atom, operation) {
			namesOperation = true
		}
	}
	if !namesOperation {
		return false
	}
	if len(filters) == 0 {
		return true
	}

	covers := false
	for _, filter := range filters {
		matched, understood := filterMatches(filter, resolved)
		if !understood {
			return false
		}
		covers = covers || matched
	}
	return covers
}

func operationMatches(name, operation string) bool {
	return name == operation || name == "network*" || name == "default"
}

// filterMatches evaluates one filter form against the resolved path.
// understood is false when the form, or any form inside it, is one the
// evaluator cannot read. matched is then meaningless, because negating an
// unknown filter with require-not would otherwise turn it into a match.
func filterMatches(filter sexpr, resolved string) (matched, understood bool) {
	if !filter.isList || len(filter.list) == 0 || filter.list[0].isList {
		return false, false
	}
	args := filter.list[1:]
	switch filter.list[0].atom {
	case "literal", "path-literal":
		return anyString(args, func(s string) bool { return s == resolved }), true
	case "subpath":
		return anyString(args, func(s string) bool { return socket.Within(resolved, s) }), true
	case "prefix":
		return anyString(args, func(s string) bool { return strings.HasPrefix(resolved, s) }), true
	case "regex", "path-regex":
		for _, arg := range args {
			if !arg.isRe && !arg.isStr {
				continue
			}
			re, err := regexp.Compile(arg.atom)
			if err != nil {
				return false, false
			}
			if re.MatchString(resolved) {
				return true, true
			}
		}
		return false, true
	case "remote", "local":
		// (remote unix-socket (path-literal "/x")): the socket family is a
		// symbol, the path filters follow.
		var lists []sexpr
		for _, arg := range args {
			if arg.isList {
				lists = append(lists, arg)
			}
		}
		return anyFilterMatches(lists, resolved)
	case "require-any":
		return anyFilterMatches(args, resolved)
	case "require-all":
		all := len(args) > 0
		for _, arg := range args {
			m, ok := filterMatches(arg, resolved)
			if !ok {
				return false, false
			}
			all = all && m
		}
		return all, true
	case "require-not":
		if len(args) != 1 {
			return false, false
		}
		m, ok := filterMatches(args[0], resolved)
		return !m && ok, ok
	}
	return false, false
}

// anyFilterMatches reports whether any of filters matches, and whether all
// of them were understood.
func anyFilterMatches(filters []sexpr, resolved string) (matched, understood bool) {
	for _, filter := range filters {
		m, ok := filterMatches(filter, resolved)
		if !ok {
			return false, false
		}
		matched = matched || m
	}
	return matched, true
}

func anyString(args []sexpr, match func(string) bool) bool {
	for _, arg := range args {
		if arg.isStr && match(arg.atom) {
			return true
		}
	}
	return false
}
