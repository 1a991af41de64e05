package timers

import (
	"context"
	"time"
)

// waitEach bounds each wait with a context whose timer is released by cancel.
func waitEach(parent context.Context, chans []<-chan struct{}) int {
	done := 0
	for _, c := range chans {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		select {
		case <-c:
			done++
		case <-ctx.Done():
		}
		cancel()
	}
	return done
}
