//go:debug asynctimerchan=1

// Command worker restores the old timers with a //go:debug line in package
// main, which applies to the whole binary.
package main

import (
	"fmt"
	"time"
)

func main() {
	work := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			work <- i
		}
		close(work)
	}()
	fmt.Println(drain(work))
}

func drain(work <-chan int) int {
	n := 0
	for {
		select {
		case _, ok := <-work:
			if !ok {
				return n
			}
			n++
		case <-time.After(time.Hour): // want "timer-in-loop"
			return n
		}
	}
}
