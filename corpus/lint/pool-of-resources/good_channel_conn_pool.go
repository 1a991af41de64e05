package poolofresources

import "net"

// connPool is a real connection pool: a bounded channel, and connections that
// do not fit are closed.
type connPool struct {
	addr string
	idle chan net.Conn
}

func newConnPool(addr string, size int) *connPool {
	return &connPool{addr: addr, idle: make(chan net.Conn, size)}
}

func (p *connPool) get() (net.Conn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
		return net.Dial("tcp", p.addr)
	}
}

func (p *connPool) put(c net.Conn) {
	select {
	case p.idle <- c:
	default:
		c.Close()
	}
}
