package tickernotstopped

import "time"

// newJitterTicker hands its ticker to the caller, who stops it.
func newJitterTicker(base time.Duration) *time.Ticker {
	t := time.NewTicker(base + base/10)
	return t
}

func pingN(n int, ping func()) {
	t := newJitterTicker(time.Second)
	defer t.Stop()
	for i := 0; i < n; i++ {
		<-t.C
		ping()
	}
}
