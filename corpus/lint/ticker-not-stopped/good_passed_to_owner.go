package tickernotstopped

import (
	"context"
	"time"
)

// runEvery passes its ticker to the loop that owns and stops it.
func runEvery(ctx context.Context, d time.Duration, job func()) {
	t := time.NewTicker(d)
	loopOn(ctx, t, job)
}

func loopOn(ctx context.Context, t *time.Ticker, job func()) {
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			job()
		}
	}
}
