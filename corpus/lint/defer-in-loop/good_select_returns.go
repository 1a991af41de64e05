package deferinloop

import (
	"context"
	"net"
)

// handleOne waits in a loop for the first connection and serves it; the case
// that defers also returns.
func handleOne(ctx context.Context, conns <-chan net.Conn, serve func(net.Conn) error) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case c, ok := <-conns:
			if !ok {
				return nil
			}
			defer c.Close()
			if err := serve(c); err != nil {
				return err
			}
			return nil
		}
	}
}
