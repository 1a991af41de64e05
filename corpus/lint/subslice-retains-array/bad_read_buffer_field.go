package subsliceretains

import "net"

type peer struct {
	conn     net.Conn
	greeting []byte
}

// readGreeting reads into a 64 KiB buffer and keeps the few bytes it got in a
// long-lived field.
func (p *peer) readGreeting() error {
	buf := make([]byte, 64<<10)
	n, err := p.conn.Read(buf)
	if err != nil {
		return err
	}
	p.greeting = buf[:n] // want "subslice-retains-array"
	return nil
}
