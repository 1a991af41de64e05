package tickernotstopped

import (
	"errors"
	"time"
)

var errGaveUp = errors.New("gave up")

// retryEvery stops the ticker on success only.
func retryEvery(d time.Duration, attempts int, try func() error) error {
	ticker := time.NewTicker(d) // want "ticker-not-stopped"
	for i := 0; i < attempts; i++ {
		<-ticker.C
		if err := try(); err == nil {
			ticker.Stop()
			return nil
		}
	}
	return errGaveUp
}
