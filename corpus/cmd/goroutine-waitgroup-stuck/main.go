// goroutine-waitgroup-stuck: every search fans out to four shards. The
// handler does wg.Add(4), starts one worker per shard and a closer goroutine
// that waits in wg.Wait() and then closes the results channel; the handler
// collects results until the channel is closed or its deadline passes. In
// leaky mode a worker whose shard fails returns early and skips wg.Done(), so
// the WaitGroup counter never reaches zero: the closer stays blocked in
// sync.(*WaitGroup).Wait (wait reason "sync.WaitGroup.Wait") forever, one
// goroutine per failed search (the archive shard fails three queries in
// four). The fixed mode calls `defer wg.Done()` first thing in the worker, so
// every path counts down.
package main

import (
	"context"
	"errors"
	"expvar"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

var shardErrors = expvar.NewInt("shard_errors")

// shard is one partition of the index.
type shard struct {
	name string
	// indexedEvery: the shard only knows queries divisible by it (0 = all).
	indexedEvery int
}

var shards = []shard{{name: "hot"}, {name: "warm"}, {name: "cold"}, {name: "archive", indexedEvery: 4}}

var errNotIndexed = errors.New("query not indexed on this shard")

type shardResult struct {
	shard string
	hits  int
}

func main() {
	svc.Run("goroutine-waitgroup-stuck", func(s *svc.Service) (svc.Load, error) {
		s.Mux.HandleFunc("/search", searchHandler(s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			return s.GetLoad("/search?q=" + strconv.FormatUint(n.Add(1), 10))(ctx)
		}, nil
	})
}

// search stands in for a shard lookup.
func (sh shard) search(q int) (int, error) {
	if sh.indexedEvery > 0 && q%sh.indexedEvery != 0 {
		return 0, errNotIndexed
	}
	return q%7 + len(sh.name), nil
}

// searchShard queries one shard and reports to the fan-out. Its error path
// returns before wg.Done().
func searchShard(sh shard, q int, results chan<- shardResult, wg *sync.WaitGroup) {
	hits, err := sh.search(q)
	if err != nil {
		shardErrors.Add(1)
		return // want "goroutine-waitgroup-stuck"
	}
	results <- shardResult{shard: sh.name, hits: hits}
	wg.Done()
}

// searchShardDeferred is searchShard with the counter decremented on every path.
func searchShardDeferred(sh shard, q int, results chan<- shardResult, wg *sync.WaitGroup) {
	defer wg.Done()
	hits, err := sh.search(q)
	if err != nil {
		shardErrors.Add(1)
		return
	}
	results <- shardResult{shard: sh.name, hits: hits}
}

// closeWhenDone closes results once every shard worker has reported.
func closeWhenDone(wg *sync.WaitGroup, results chan shardResult) {
	wg.Wait()
	close(results)
}

// fanOut queries every shard and gathers what arrives before ctx is done.
func fanOut(ctx context.Context, q int, leaky bool) []shardResult {
	results := make(chan shardResult, len(shards))
	var wg sync.WaitGroup
	wg.Add(len(shards))
	for _, sh := range shards {
		if leaky {
			go searchShard(sh, q, results, &wg)
		} else {
			go searchShardDeferred(sh, q, results, &wg)
		}
	}
	go closeWhenDone(&wg, results)
	var got []shardResult
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return got
			}
			got = append(got, r)
		case <-ctx.Done():
			return got
		}
	}
}

func searchHandler(leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := strconv.Atoi(r.URL.Query().Get("q"))
		if err != nil {
			http.Error(w, "bad q", http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Millisecond)
		defer cancel()
		total := 0
		got := fanOut(ctx, q, leaky)
		for _, res := range got {
			total += res.hits
		}
		fmt.Fprintf(w, "%d hits from %d of %d shards\n", total, len(got), len(shards))
	}
}
