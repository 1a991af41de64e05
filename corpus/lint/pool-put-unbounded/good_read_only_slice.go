package poolputunbounded

import (
	"io"
	"sync"
)

var readBufs = sync.Pool{New: func() any {
	b := make([]byte, 4096)
	return &b
}}

// checksum only reads into the pooled slice, which never grows.
func checksum(r io.Reader) (byte, error) {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	var sum byte
	for {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			sum ^= c
		}
		if err == io.EOF {
			return sum, nil
		}
		if err != nil {
			return 0, err
		}
	}
}
