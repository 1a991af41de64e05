package timers

import "time"

// relay waits up to a minute per message, but messages arrive every few
// milliseconds: each iteration leaves a one-minute timer behind.
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
