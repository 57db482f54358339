package cli

import "testing"

func TestUseColorAuto(t *testing.T) {
	cases := []struct {
		name     string
		env      map[string]string
		terminal bool
		want     bool
	}{
		{"terminal", map[string]string{"TERM": "xterm-256color"}, true, true},
		{"not a terminal", map[string]string{"TERM": "xterm-256color"}, false, false},
		{"NO_COLOR", map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, true, false},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			streams := &IO{OutIsTerminal: tc.terminal, Getenv: func(name string) string { return tc.env[name] }}
			o := &outputOptions{Color: "auto"}
			if got := o.useColor(streams); got != tc.want {
				t.Errorf("useColor = %t, want %t", got, tc.want)
			}
		})
	}
}

func TestUseColorFlagWins(t *testing.T) {
	streams := &IO{OutIsTerminal: true, Getenv: func(name string) string {
		return map[string]string{"TERM": "dumb"}[name]
	}}
	if !(&outputOptions{Color: "always"}).useColor(streams) {
		t.Error("--color always with TERM=dumb: useColor = false, want true")
	}
	if (&outputOptions{Color: "never"}).useColor(streams) {
		t.Error("--color never: useColor = true, want false")
	}
}
