package tickernotstopped

import (
	"context"
	"time"
)

// pollUntilDone returns on cancellation without stopping its ticker.
func pollUntilDone(ctx context.Context, check func() bool) {
	t := time.NewTicker(50 * time.Millisecond) // want "ticker-not-stopped"
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if check() {
				return
			}
		}
	}
}
