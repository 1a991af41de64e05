package tickernotstopped

import "time"

// paceSends creates a new time.Tick ticker on every iteration.
func paceSends(msgs []string, send func(string)) {
	for _, m := range msgs {
		<-time.Tick(5 * time.Millisecond) // want "ticker-not-stopped"
		send(m)
	}
}
