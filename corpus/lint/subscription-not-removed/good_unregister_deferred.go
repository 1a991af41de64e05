package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type peer struct{ inbox chan []byte }

type room struct {
	mu    sync.Mutex
	peers map[*peer]bool
}

func (rm *room) Register(p *peer) {
	rm.mu.Lock()
	rm.peers[p] = true
	rm.mu.Unlock()
}

func (rm *room) Unregister(p *peer) {
	rm.mu.Lock()
	delete(rm.peers, p)
	rm.mu.Unlock()
}

type roomServer struct{ main *room }

// enter unregisters the peer when the request ends.
func (s *roomServer) enter(w http.ResponseWriter, r *http.Request) {
	p := &peer{inbox: make(chan []byte, 8)}
	s.main.Register(p)
	defer s.main.Unregister(p)
	select {
	case msg := <-p.inbox:
		_, _ = w.Write(msg)
	case <-r.Context().Done():
	}
}
