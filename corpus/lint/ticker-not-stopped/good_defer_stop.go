package tickernotstopped

import (
	"context"
	"time"
)

// sampleLoop stops its ticker on every path with a defer.
func sampleLoop(ctx context.Context, sample func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sample()
		}
	}
}
