// Package timers: a godebug block in go.mod restores the old timers.
package timers

import "time"

func pollEvery(stop <-chan struct{}, poll func()) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(10 * time.Second): // want "timer-in-loop"
			poll()
		}
	}
}
