// Package timers: go 1.22 in go.mod, but godebug asynctimerchan=0 selects the
// Go 1.23 timers, which are collected as soon as they are unreferenced.
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
		case <-time.After(time.Minute):
			return
		}
	}
}
