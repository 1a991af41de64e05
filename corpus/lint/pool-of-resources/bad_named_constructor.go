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

type backendClient struct {
	conns sync.Pool
}

func newBackendClient() *backendClient {
	bc := &backendClient{}
	bc.conns.New = dialBackend // want "pool-of-resources"
	return bc
}

func (bc *backendClient) write(p []byte) error {
	c, ok := bc.conns.Get().(net.Conn)
	if !ok {
		return net.ErrClosed
	}
	_, err := c.Write(p)
	bc.conns.Put(c)
	return err
}
