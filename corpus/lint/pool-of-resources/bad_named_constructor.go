package poolofresources

import (
	"net"
	"sync"
	"time"
)

// dialBackend is the pool's New: it returns a live connection.
func dialBackend() any {
	d := net.Dialer{Timeout: time.Second}
	c, err := d.Dial("tcp", "127.0.0.1:9000")
	if err != nil {
		return nil
	}
	return c
}

var backendConns = sync.Pool{New: dialBackend} // want "pool-of-resources"

func backendWrite(p []byte) error {
	c, ok := backendConns.Get().(net.Conn)
	if !ok {
		return net.ErrClosed
	}
	_, err := c.Write(p)
	backendConns.Put(c)
	return err
}
