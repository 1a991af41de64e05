package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type watch struct {
	key  string
	ch   chan string
	reg  *keyWatcher
	once sync.Once
}

// Stop removes the watch.
func (w *watch) Stop() {
	w.once.Do(func() {
		w.reg.mu.Lock()
		delete(w.reg.watches, w)
		w.reg.mu.Unlock()
	})
}

type keyWatcher struct {
	mu      sync.Mutex
	watches map[*watch]struct{}
}

// Watch registers interest in key and returns a handle to stop it.
func (k *keyWatcher) Watch(key string) *watch {
	wt := &watch{key: key, ch: make(chan string, 1), reg: k}
	k.mu.Lock()
	k.watches[wt] = struct{}{}
	k.mu.Unlock()
	return wt
}

type flagServer struct{ flags *keyWatcher }

// ServeHTTP watches a key per request and drops the handle.
func (s *flagServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = s.flags.Watch(r.URL.Path) // want "subscription-not-removed"
	w.WriteHeader(http.StatusAccepted)
}
