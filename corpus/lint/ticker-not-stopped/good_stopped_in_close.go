package tickernotstopped

import "time"

// flusher keeps its ticker in a field and stops it in Close.
type flusher struct {
	ticker *time.Ticker
	done   chan struct{}
}

func newFlusher(every time.Duration, flush func()) *flusher {
	f := &flusher{done: make(chan struct{})}
	f.ticker = time.NewTicker(every)
	go func() {
		for {
			select {
			case <-f.done:
				return
			case <-f.ticker.C:
				flush()
			}
		}
	}()
	return f
}

func (f *flusher) Close() {
	f.ticker.Stop()
	close(f.done)
}
