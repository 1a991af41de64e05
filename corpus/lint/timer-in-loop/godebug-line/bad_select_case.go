// Package timers: go 1.26, but godebug asynctimerchan=1 in go.mod restores
// the old timers that live until they fire.
package timers

import "time"

func relay(in <-chan []byte, out chan<- []byte) {
	for {
		select {
		case msg, ok := <-in:
			if !ok {
				return
			}
			out <- msg
		case <-time.After(time.Minute): // want "timer-in-loop"
			return
		}
	}
}
