package subscriptionnotremoved

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// waitForReload registers a channel with the signal package per request and
// never calls signal.Stop, so the package keeps every channel.
func waitForReload(w http.ResponseWriter, r *http.Request) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP) // want "subscription-not-removed"
	select {
	case <-sig:
		w.WriteHeader(http.StatusOK)
	case <-r.Context().Done():
	}
}
