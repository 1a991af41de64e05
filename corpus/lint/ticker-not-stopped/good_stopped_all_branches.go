package tickernotstopped

import "time"

// waitFor stops the ticker on both branches of its if and on the timeout.
func waitFor(cond func() bool, limit int) bool {
	t := time.NewTicker(20 * time.Millisecond)
	for i := 0; i < limit; i++ {
		<-t.C
		if cond() {
			t.Stop()
			return true
		}
	}
	t.Stop()
	return false
}
