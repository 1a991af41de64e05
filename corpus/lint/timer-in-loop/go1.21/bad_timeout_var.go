package timers

import (
	"errors"
	"time"
)

var errIdle = errors.New("idle")

// consume creates its timeout channel at the top of every iteration.
func consume(events <-chan int, handle func(int)) error {
	for {
		timeout := time.After(30 * time.Second) // want "timer-in-loop"
		select {
		case ev := <-events:
			handle(ev)
		case <-timeout:
			return errIdle
		}
	}
}
