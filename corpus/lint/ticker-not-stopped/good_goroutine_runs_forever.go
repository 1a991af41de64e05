package tickernotstopped

import "time"

// startMetricsFlusher hands its ticker to a goroutine that ranges over it for
// the life of the process: the ticker lives exactly as long as that
// goroutine, so there is nothing to stop.
func startMetricsFlusher(flush func()) {
	t := time.NewTicker(10 * time.Second)
	go func() {
		for range t.C {
			flush()
		}
	}()
}
