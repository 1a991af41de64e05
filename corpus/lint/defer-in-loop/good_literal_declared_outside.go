package deferinloop

import (
	"os"
	"sync"
)

type registry struct {
	mu    sync.Mutex
	names map[string]bool
}

// addAll calls a helper whose defer runs when the helper returns.
func (r *registry) addAll(names []string) {
	for _, n := range names {
		r.add(n)
	}
}

func (r *registry) add(n string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[n] = true
}

// touchAll declares the per-item function outside the loop.
func touchAll(paths []string) error {
	touch := func(p string) error {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return nil
	}
	for _, p := range paths {
		if err := touch(p); err != nil {
			return err
		}
	}
	return nil
}
