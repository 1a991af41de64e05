package tickernotstopped

import (
	"context"
	"time"
)

// waitReady uses time.Tick in a function that returns: each call leaves a
// ticker behind that nobody can stop.
func waitReady(ctx context.Context, ready func() bool) error {
	tick := time.Tick(10 * time.Millisecond) // want "ticker-not-stopped"
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			if ready() {
				return nil
			}
		}
	}
}
