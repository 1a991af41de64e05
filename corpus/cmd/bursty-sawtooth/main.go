// bursty-sawtooth (healthy control): a metrics roll-up service keeps a 16 MiB
// calibration table live for its whole life and, for every request, generates
// a window of samples in fresh 32 KiB buffers, bins it into a histogram
// against the table and renders a text report: up to 512 KiB of short-lived
// garbage per request, more during the busy half of every four-second cycle.
// HeapAlloc and RSS saw-tooth between GCs (the heap goal is twice the live
// heap), and the allocation profile is dominated by rollup, but nothing
// survives a request: post-GC live heap stays at the table plus a few hundred
// KiB in both modes.
// --mode=leaky only makes the windows bigger (more garbage per request).
package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// tableSize is the number of entries in the calibration table (8 bytes each).
	tableSize = 2 << 20
	// chunk is how many samples are generated into one buffer.
	chunk = 4096
	// bins is the number of histogram bins in a report.
	bins = 256
	// cycle is the length of one busy/quiet cycle of the load.
	cycle = 4 * time.Second
)

func main() {
	svc.Run("bursty-sawtooth", func(s *svc.Service) (svc.Load, error) {
		window := 32 << 10
		if s.Leaky {
			window = 64 << 10
		}
		ru := &rollups{table: calibrationTable()}
		s.Mux.HandleFunc("GET /rollup", ru.handleRollup)
		start := time.Now()
		var tick atomic.Uint64
		return func(ctx context.Context) error {
			n := window / 8 // quiet half of the cycle
			if time.Since(start)%cycle < cycle/2 {
				n = window // busy half
			}
			return s.GetLoad("/rollup?samples=" + strconv.Itoa(n) + "&series=" + strconv.FormatUint(tick.Add(1)%100, 10))(ctx)
		}, nil
	})
}

// calibrationTable is the long-lived state: bin edges on a log scale.
func calibrationTable() []float64 {
	t := make([]float64, tableSize)
	for i := range t {
		t[i] = math.Log1p(float64(i))
	}
	return t
}

type rollups struct {
	table []float64
	last  atomic.Pointer[string] // the latest report, replaced by every request
}

func (ru *rollups) handleRollup(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("samples"))
	if err != nil || n <= 0 || n > 1<<20 {
		http.Error(w, "samples must be in 1..1048576", http.StatusBadRequest)
		return
	}
	report := ru.rollup(r.URL.Query().Get("series"), n)
	ru.last.Store(&report)
	fmt.Fprintf(w, "%d bytes of report\n", len(report))
}

// rollup bins n samples, generated chunk by chunk into fresh buffers, and
// renders the histogram. Everything it allocates is garbage once it returns,
// except the report.
func (ru *rollups) rollup(series string, n int) string {
	hist := make([]int, bins)
	x := rand.Uint64() | 1
	for done := 0; done < n; done += chunk {
		samples := make([]float64, min(chunk, n-done))
		for i := range samples {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			samples[i] = float64(x >> 40)
		}
		for _, v := range samples {
			hist[int(v)%bins]++
		}
	}
	var out []byte
	out = append(out, "series "+series+"\n"...)
	for i, c := range hist {
		out = strconv.AppendInt(out, int64(i), 10)
		out = append(out, ' ')
		out = strconv.AppendFloat(out, float64(c)/float64(n)*ru.table[i*(len(ru.table)/bins)], 'g', 6, 64)
		out = append(out, '\n')
	}
	return string(out)
}
