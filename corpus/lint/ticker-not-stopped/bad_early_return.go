package tickernotstopped

import (
	"errors"
	"time"
)

var errNoTargets = errors.New("no targets")

// heartbeat creates the ticker before validating its input; the error path
// returns before the deferred Stop is registered.
func heartbeat(targets []string, beat func(string), rounds int) error {
	tick := time.NewTicker(time.Second) // want "ticker-not-stopped"
	if len(targets) == 0 {
		return errNoTargets
	}
	defer tick.Stop()
	for i := 0; i < rounds; i++ {
		<-tick.C
		for _, t := range targets {
			beat(t)
		}
	}
	return nil
}
