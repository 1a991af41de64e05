package tickernotstopped

import "time"

var lastTick time.Time

// init starts one process-wide clock; it runs once, so its time.Tick is the
// one ticker the process keeps by design.
func init() {
	go func() {
		for now := range time.Tick(time.Second) {
			lastTick = now
		}
	}()
}
