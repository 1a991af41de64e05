// slow-warmup (healthy control): the service serves map tiles from an
// in-memory table of a fixed number of entries. A background loader fills the
// table gradually over --warmup (so as not to hammer the backend at start-up),
// so the live heap grows steadily for that long and then stays flat at the
// table's size (about 8 MiB). A detector that extrapolates the first seconds'
// slope raises a false alarm; one that waits for the trend to continue sees
// the plateau. Both modes are healthy: in leaky mode requests also store the
// tiles they had to render on a miss (the table fills a little faster, to the
// same size), in fixed mode only the loader writes the table.
package main

import (
	"context"
	"encoding/binary"
	"expvar"
	"flag"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	tiles    = 4096
	tileSize = 2048
)

var (
	warmup    = flag.Duration("warmup", 3*time.Second, "how long the loader takes to fill the tile table")
	tileMiss  = expvar.NewInt("tile_misses")
	tilesHeld = expvar.NewInt("tiles_loaded")
)

func main() {
	svc.Run("slow-warmup", func(s *svc.Service) (svc.Load, error) {
		if *warmup <= 0 {
			return nil, fmt.Errorf("--warmup must be positive, not %v", *warmup)
		}
		t := &tileTable{tiles: make(map[int][]byte)}
		go t.load(*warmup)
		s.Mux.HandleFunc("/tile", tileHandler(t, s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			id := (n.Add(1) * 2654435761) % tiles
			return s.GetLoad("/tile?id=" + strconv.FormatUint(id, 10))(ctx)
		}, nil
	})
}

// tileTable holds at most `tiles` entries, one per tile id.
type tileTable struct {
	mu    sync.RWMutex
	tiles map[int][]byte
}

// renderTile stands in for the expensive backend render of one tile.
func renderTile(id int) []byte {
	tile := make([]byte, tileSize)
	h := fnv.New64a()
	for off := 0; off < tileSize; off += 8 {
		h.Write(tile[max(0, off-8):off])
		binary.LittleEndian.PutUint64(tile[off:], h.Sum64()^uint64(id))
	}
	return tile
}

// store puts a rendered tile in the table; ids are bounded by the handler.
func (t *tileTable) store(id int, tile []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.tiles[id]; !ok {
		t.tiles[id] = tile
		tilesHeld.Set(int64(len(t.tiles)))
	}
}

func (t *tileTable) get(id int) ([]byte, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tile, ok := t.tiles[id]
	return tile, ok
}

// load renders every tile once, paced evenly over d, then returns.
func (t *tileTable) load(d time.Duration) {
	start := time.Now()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	next := 0
	for next < tiles {
		<-tick.C
		due := min(tiles, int(float64(tiles)*float64(time.Since(start))/float64(d))+1)
		for ; next < due; next++ {
			if _, ok := t.get(next); !ok {
				t.store(next, renderTile(next))
			}
		}
	}
}

func tileHandler(t *tileTable, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.URL.Query().Get("id"))
		if err != nil || id < 0 || id >= tiles {
			http.Error(w, "bad tile id", http.StatusBadRequest)
			return
		}
		tile, ok := t.get(id)
		if !ok {
			tileMiss.Add(1)
			tile = renderTile(id)
			if leaky {
				t.store(id, tile)
			}
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(tile)
	}
}
