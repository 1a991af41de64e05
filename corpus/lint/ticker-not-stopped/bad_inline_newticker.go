package tickernotstopped

import "time"

// drain ranges over a ticker it never names, so it can never stop it.
func drain(queue <-chan int, flush func([]int)) {
	var batch []int
	for range time.NewTicker(100 * time.Millisecond).C { // want "ticker-not-stopped"
		select {
		case v, ok := <-queue:
			if !ok {
				flush(batch)
				return
			}
			batch = append(batch, v)
		default:
		}
	}
}
