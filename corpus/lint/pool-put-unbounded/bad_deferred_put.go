package poolputunbounded

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
)

var jsonBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON resets its buffer but puts it back whatever its capacity.
func writeJSON(w http.ResponseWriter, v any) error {
	buf := jsonBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer jsonBufs.Put(buf) // want "pool-put-unbounded"
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
