package cacheunbounded

import "net/http"

var routes = map[string]http.HandlerFunc{}

// register is only called while the program starts, never per request.
func register(path string, h http.HandlerFunc) {
	routes[path] = h
}

func init() {
	register("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
}

func dispatch(w http.ResponseWriter, r *http.Request) {
	if h, ok := routes[r.URL.Path]; ok {
		h(w, r)
		return
	}
	http.NotFound(w, r)
}
