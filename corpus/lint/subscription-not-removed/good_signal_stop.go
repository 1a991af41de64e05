package subscriptionnotremoved

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// waitForSignal stops signal delivery to its channel when it returns.
func waitForSignal(w http.ResponseWriter, r *http.Request) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	defer signal.Stop(sig)
	select {
	case <-sig:
		w.WriteHeader(http.StatusOK)
	case <-r.Context().Done():
	}
}
