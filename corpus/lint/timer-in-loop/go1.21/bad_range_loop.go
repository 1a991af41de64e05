package timers

import "time"

// sendAll bounds each send with its own timer.
func sendAll(items []string, out chan<- string) int {
	sent := 0
	for _, it := range items {
		select {
		case out <- it:
			sent++
		case <-time.After(5 * time.Second): // want "timer-in-loop"
		}
	}
	return sent
}
