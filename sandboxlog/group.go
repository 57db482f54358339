package sandboxlog

// Group is a set of identical denials: the same process name, operation,
// target and errno. The pid is not part of the key, because a tool that an
// app starts again and again gets a new pid each time.
type Group struct {
	// Event is the first event of the group.
	Event Event
	// Count is the number of events in the group.
	Count int
	// FirstTime and LastTime are the timestamps of the first and the last
	// event, as logged; empty when the log has none.
	FirstTime string
	LastTime  string
}

type groupKey struct {
	process, operation, target string
	errno                      int
}

// Grouper collects events into groups in the order they first appear. Its
// memory grows with the number of distinct denials, not with the input.
type Grouper struct {
	index  map[groupKey]*Group
	groups []*Group
}

// Add adds ev to its group and returns the group; isNew reports whether ev
// started it.
func (g *Grouper) Add(ev Event) (group *Group, isNew bool) {
	key := groupKey{ev.Process, ev.Operation, ev.Target, ev.Errno}
	if group, ok := g.index[key]; ok {
		group.Count++
		if ev.Time != "" {
			group.LastTime = ev.Time
		}
		return group, false
	}

	if g.index == nil {
		g.index = make(map[groupKey]*Group)
	}
	group = &Group{Event: ev, Count: 1, FirstTime: ev.Time, LastTime: ev.Time}
	g.index[key] = group
	g.groups = append(g.groups, group)
	return group, true
}

// Groups returns the groups in the order of their first event.
func (g *Grouper) Groups() []*Group {
	return g.groups
}
