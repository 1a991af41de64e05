package subsliceretains

import (
	"io"
	"net/http"
)

type tracker struct {
	lastID []byte
}

// readRequestID reads the whole body and returns the first 16 bytes of it.
func readRequestID(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(body) > 16 {
		body = body[:16]
	}
	return body, nil
}

// ServeHTTP keeps that short ID (and the body behind it) in the tracker.
func (t *tracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := readRequestID(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	t.lastID = id // want "subslice-retains-array"
	w.WriteHeader(http.StatusOK)
}
