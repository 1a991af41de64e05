package tickernotstopped

import "time"

// refreshForever never returns, so neither its time.Tick nor its ticker can
// be abandoned (the endless-function exception of staticcheck's SA1015).
func refreshForever(refresh func()) {
	for range time.Tick(time.Minute) {
		refresh()
	}
}

func gaugeForever(gauge func()) {
	t := time.NewTicker(10 * time.Second)
	for {
		<-t.C
		gauge()
	}
}
