package poolofresources

import (
	"net"
	"sync"
	"time"
)

// dialers pools dialer settings, not connections.
var dialers = sync.Pool{New: func() any { return &net.Dialer{Timeout: 2 * time.Second} }}

func dialQuick(addr string) (net.Conn, error) {
	d := dialers.Get().(*net.Dialer)
	defer dialers.Put(d)
	return d.Dial("tcp", addr)
}
