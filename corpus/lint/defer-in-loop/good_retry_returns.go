package deferinloop

import (
	"net"
	"time"
)

// dialAndSend retries the dial, but once the connection exists every path
// returns, so the defer runs at most once per call (a classic false positive
// of deferInLoop checks that only look at nesting).
func dialAndSend(addr string, msg []byte) error {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			lastErr = err
			time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
			continue
		}
		defer conn.Close()
		if _, err := conn.Write(msg); err != nil {
			return err
		}
		return nil
	}
	return lastErr
}
