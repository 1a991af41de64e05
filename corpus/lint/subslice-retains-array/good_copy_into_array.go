package subsliceretains

import (
	"io"
	"net/http"
)

type fingerprint [16]byte

var lastFingerprint fingerprint

// recordFingerprint copies into a fixed-size array value.
func recordFingerprint(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var fp fingerprint
	copy(fp[:], body)
	lastFingerprint = fp
	w.WriteHeader(http.StatusOK)
}
