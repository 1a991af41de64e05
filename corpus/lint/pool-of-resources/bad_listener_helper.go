package poolofresources

import (
	"net"
	"sync"
)

// openProbe returns a listening socket.
func openProbe() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil
	}
	return ln
}

var probes sync.Pool

func init() {
	probes.New = func() any { return openProbe() } // want "pool-of-resources"
}

func probeAddr() string {
	ln, ok := probes.Get().(net.Listener)
	if !ok || ln == nil {
		return ""
	}
	defer probes.Put(ln)
	return ln.Addr().String()
}
