package poolputunbounded

import (
	"bytes"
	"io"
	"sync"
)

var direntBufs = sync.Pool{New: func() any {
	b := make([]byte, 8192)
	return &b
}}

// splitNames reads into a fixed-size pooled buffer; the appends in this
// function grow the result, not the pooled slice (the os.ReadDir pattern).
func splitNames(r io.Reader) ([]string, error) {
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	var names []string
	for {
		n, err := r.Read(*bp)
		for _, name := range bytes.Fields((*bp)[:n]) {
			names = append(names, string(name))
		}
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
