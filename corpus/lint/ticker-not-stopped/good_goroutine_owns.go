package tickernotstopped

import (
	"context"
	"time"
)

// startReporter hands the ticker to the goroutine that stops it.
func startReporter(ctx context.Context, report func()) {
	t := time.NewTicker(5 * time.Second)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				report()
			}
		}
	}()
}
