package subsliceretains

import (
	"io"
	"net/http"
)

var lastSignature []byte

// recordSignature keeps the first 32 bytes of each uploaded body, and with
// them the whole body.
func recordSignature(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || len(body) < 32 {
		http.Error(w, "short body", http.StatusBadRequest)
		return
	}
	lastSignature = body[:32] // want "subslice-retains-array"
	w.WriteHeader(http.StatusAccepted)
}
