package subsliceretains

import (
	"encoding/json"
	"io"
	"net/http"
)

type reply struct {
	Prefix string `json:"prefix"`
}

// echoPrefix puts a view of the body in a response value that dies with the
// request.
func echoPrefix(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > 8 {
		body = body[:8]
	}
	rep := &reply{}
	rep.Prefix = string(body)
	view := struct{ raw []byte }{}
	view.raw = body[:len(body)/2]
	_ = json.NewEncoder(w).Encode(rep)
	_, _ = w.Write(view.raw)
}
