package deferinloop

import (
	"context"
	"net"
)

// serveJobs dials once per job inside a long-running select loop; the
// connections are only closed when the worker stops.
func serveJobs(ctx context.Context, jobs <-chan string) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case addr := <-jobs:
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				return err
			}
			defer conn.Close() // want "defer-in-loop"
			if _, err := conn.Write([]byte("ping\n")); err != nil {
				return err
			}
		}
	}
}
