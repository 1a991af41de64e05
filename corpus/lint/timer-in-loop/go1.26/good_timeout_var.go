package timers

import (
	"errors"
	"time"
)

var errIdle = errors.New("idle")

func consume(events <-chan int, handle func(int)) error {
	for {
		timeout := time.After(30 * time.Second)
		select {
		case ev := <-events:
			handle(ev)
		case <-timeout:
			return errIdle
		}
	}
}
