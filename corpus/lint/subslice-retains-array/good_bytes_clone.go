package subsliceretains

import "net"

type link struct {
	conn  net.Conn
	hello []byte
}

// readHello copies the bytes it keeps out of the read buffer.
func (l *link) readHello() error {
	buf := make([]byte, 64<<10)
	n, err := l.conn.Read(buf)
	if err != nil {
		return err
	}
	l.hello = append([]byte(nil), buf[:n]...)
	return nil
}
