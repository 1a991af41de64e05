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
