package socket

import "testing"

func TestChooseCandidate(t *testing.T) {
	missing := &Info{Path: "/a"}
	modelled := &Info{Path: "/m", Type: "unknown", Modelled: "outside the modelled home"}
	file := &Info{Path: "/f", Exists: true, Type: "file"}
	sock := &Info{Path: "/s", Exists: true, Type: "socket", Dial: Dial{Result: DialRefused}}
	live := &Info{Path: "/l", Exists: true, Type: "socket", Dial: Dial{Result: DialConnected}}

	tests := []struct {
		name       string
		candidates []*Info
		wantIndex  int
		wantReason string
	}{
		{name: "connected beats earlier socket", candidates: []*Info{missing, sock, live}, wantIndex: 2, wantReason: "the first whose server accepted the test connect"},
		{name: "socket beats earlier file", candidates: []*Info{file, sock}, wantIndex: 1, wantReason: "the first that is a socket"},
		{name: "file beats missing", candidates: []*Info{missing, file}, wantIndex: 1, wantReason: "the first that exists"},
		{name: "none found", candidates: []*Info{missing, missing}, wantIndex: 0, wantReason: "the first, because none was found"},
		{name: "none read", candidates: []*Info{modelled, modelled}, wantIndex: 0, wantReason: "the first, because none was read on this host"},
		{name: "some not read", candidates: []*Info{modelled, missing}, wantIndex: 0, wantReason: "the first, because none was found and the others were not read on this host"},
		{name: "empty", candidates: nil, wantIndex: 0, wantReason: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			index, reason := ChooseCandidate(tt.candidates)
			if index != tt.wantIndex {
				t.Errorf("index = %d, want %d", index, tt.wantIndex)
			}
			if reason != tt.wantReason {
				t.Errorf("reason = %q, want %q", reason, tt.wantReason)
			}
		})
	}
}
