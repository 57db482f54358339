package socket

// Ranks of preset candidates: a higher rank is a better guess at the
// socket the app means.
const (
	rankNone = iota
	rankMissing
	rankExists
	rankSocket
	rankConnected
)

func candidateRank(info *Info) int {
	switch {
	case info == nil:
		return rankNone
	case info.Dial.Result == DialConnected:
		return rankConnected
	case info.Type == "socket":
		return rankSocket
	case info.Exists:
		return rankExists
	}
	return rankMissing
}

// ChooseCandidate returns the index of the preset candidate a report is
// about and the reason, phrased to follow "Candidate 2 of 3, ". It prefers
// a socket that accepted the test connect, then any socket, then any
// existing file, and takes the first candidate of the best rank. Without
// one that exists it takes the first, and the reason
// distinguishes candidates not found from candidates not read because they lie outside a
// modelled home folder. It returns 0 and "" for no candidates.
func ChooseCandidate(candidates []*Info) (index int, reason string) {
	if len(candidates) == 0 {
		return 0, ""
	}
	best := 0
	for i, info := range candidates {
		if candidateRank(info) > candidateRank(candidates[best]) {
			best = i
		}
	}

	switch candidateRank(candidates[best]) {
	case rankConnected:
		return best, "the first whose server accepted the test connect"
	case rankSocket:
		return best, "the first that is a socket"
	case rankExists:
		return best, "the first that exists"
	}

	modelled := 0
	for _, info := range candidates {
		if info != nil && info.Modelled != "" && info.Type == "unknown" {
			modelled++
		}
	}
	switch modelled {
	case 0:
		return 0, "the first, because none was found"
	case len(candidates):
		return 0, "the first, because none was read on this host"
	}
	return 0, "the first, because none was found and the others were not read on this host"
}
