package cacheunbounded

import (
	"log"
	"net/http"
)

// problems collects messages for one request only.
type problems struct{ msgs []string }

func (p *problems) Printf(format string, args ...any) {
	p.msgs = append(p.msgs, format)
}

type reportServer struct {
	logger *log.Logger
}

// ServeHTTP logs through a *log.Logger: its Printf is log's, not the
// per-request collector's method of the same name.
func (s *reportServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.logger.Printf("report for %s", r.URL.Path)
	var p problems
	p.Printf("checked %s", r.URL.Path)
	w.WriteHeader(len(p.msgs) + 200)
}
