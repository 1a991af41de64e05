package timers

import "time"

// relayReset reuses one timer and resets it per message.
func relayReset(in <-chan []byte, out chan<- []byte) {
	idle := time.NewTimer(time.Minute)
	defer idle.Stop()
	for {
		select {
		case msg, ok := <-in:
			if !ok {
				return
			}
			out <- msg
			if !idle.Stop() {
				<-idle.C
			}
			idle.Reset(time.Minute)
		case <-idle.C:
			return
		}
	}
}
