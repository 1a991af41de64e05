package timers

import "time"

func sendAll(items []string, out chan<- string) int {
	sent := 0
	for _, it := range items {
		select {
		case out <- it:
			sent++
		case <-time.After(5 * time.Second):
		}
	}
	return sent
}
