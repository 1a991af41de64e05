package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type client struct{ send chan []byte }

type hub struct {
	mu      sync.Mutex
	clients map[*client]bool
}

func (h *hub) Register(c *client) {
	h.mu.Lock()
	h.clients[c] = true
	h.mu.Unlock()
}

func (h *hub) Unregister(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

type chatServer struct{ lobby *hub }

// join registers every client and nothing ever unregisters them.
func (s *chatServer) join(w http.ResponseWriter, r *http.Request) {
	c := &client{send: make(chan []byte, 8)}
	s.lobby.Register(c) // want "subscription-not-removed"
	select {
	case msg := <-c.send:
		_, _ = w.Write(msg)
	case <-r.Context().Done():
	}
}
