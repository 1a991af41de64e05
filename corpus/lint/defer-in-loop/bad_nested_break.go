package deferinloop

import "sync"

type shard struct {
	mu    sync.Mutex
	items []int
}

// sumShards breaks out of the inner loop after the defer, but the outer loop
// runs again, so the unlocks still accumulate (and the second Lock of a shard
// would deadlock).
func sumShards(groups [][]*shard) int {
	total := 0
	for _, group := range groups {
		for _, s := range group {
			s.mu.Lock()
			defer s.mu.Unlock() // want "defer-in-loop"
			total += len(s.items)
			break
		}
	}
	return total
}
