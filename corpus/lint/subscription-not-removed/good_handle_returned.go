package subscriptionnotremoved

import "sync"

type tempWatcher struct {
	mu      sync.Mutex
	nextID  int
	watches map[int]func(float64)
}

func (t *tempWatcher) Watch(fn func(float64)) (stop func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := t.nextID
	t.nextID++
	t.watches[id] = fn
	return func() {
		t.mu.Lock()
		delete(t.watches, id)
		t.mu.Unlock()
	}
}

type thermostat struct{ sensors *tempWatcher }

// follow hands the stop function to its caller.
func (th *thermostat) follow(fn func(float64)) func() {
	return th.sensors.Watch(fn)
}
