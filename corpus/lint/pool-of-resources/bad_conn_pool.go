package poolofresources

import (
	"net"
	"sync"
)

var upstreamAddr = "127.0.0.1:6379"

// upstreamConns uses sync.Pool as a connection pool.
var upstreamConns = sync.Pool{ // want "pool-of-resources"
	New: func() any {
		c, err := net.Dial("tcp", upstreamAddr)
		if err != nil {
			return nil
		}
		return c
	},
}

func ping() error {
	c, ok := upstreamConns.Get().(net.Conn)
	if !ok {
		return net.ErrClosed
	}
	defer upstreamConns.Put(c)
	_, err := c.Write([]byte("PING\r\n"))
	return err
}
