package tickernotstopped

import (
	"net/http"
	"time"
)

// progressHandler starts a goroutine per request whose ticker is never
// stopped when the request ends.
func progressHandler(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond) // want "ticker-not-stopped"
		for {
			select {
			case <-r.Context().Done():
				return
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	w.WriteHeader(http.StatusNoContent)
	close(done)
}
