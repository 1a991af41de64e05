package poolofresources

import (
	"net/http"
	"sync"
)

type requestState struct {
	path    string
	headers map[string]string
}

var states = sync.Pool{New: func() any { return &requestState{headers: map[string]string{}} }}

// trace pools per-request bookkeeping that holds no open resource.
func trace(r *http.Request) string {
	st := states.Get().(*requestState)
	st.path = r.URL.Path
	clear(st.headers)
	p := st.path
	states.Put(st)
	return p
}
