package poolputunbounded

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
)

var replyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledReply = 64 << 10

// writeReply only returns modest buffers to the pool.
func writeReply(w io.Writer, v any) error {
	buf := replyBufs.Get().(*bytes.Buffer)
	buf.Reset()
	err := json.NewEncoder(buf).Encode(v)
	if err == nil {
		_, err = w.Write(buf.Bytes())
	}
	if buf.Cap() <= maxPooledReply {
		replyBufs.Put(buf)
	}
	return err
}
