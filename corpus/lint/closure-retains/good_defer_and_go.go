package closureretains

import (
	"io"
	"log"
)

// process logs the buffer size when it returns and hands a byte to a
// goroutine that finishes on its own.
func process(r io.Reader, out chan<- byte) error {
	buf, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	defer func() { log.Printf("processed %d bytes", len(buf)) }()
	if len(buf) > 0 {
		go func() { out <- buf[0] }()
	}
	return nil
}
