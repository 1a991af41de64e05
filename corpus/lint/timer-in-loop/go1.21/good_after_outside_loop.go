package timers

import "time"

// collect has one deadline for the whole loop.
func collect(in <-chan int, limit time.Duration) []int {
	var got []int
	deadline := time.After(limit)
	for {
		select {
		case v := <-in:
			got = append(got, v)
		case <-deadline:
			return got
		}
	}
}
