// worker-pool (healthy control): a fixed pool of 64 worker goroutines is
// started once and each waits in a receive on the shared job channel (wait
// reason "chan receive") for as long as the process runs. That is by design:
// the channel is never closed, but the number of workers never changes, and
// requests only send jobs to them. A detector that flags "many goroutines
// blocked on a channel receive for minutes" without checking that the group
// stops growing raises a false alarm here. Both modes are healthy: leaky mode
// submits each request's checksums as a burst of 64 jobs (all workers busy,
// the queue fills and drains), fixed mode submits a single job per request.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"

	"leakscope.dev/corpus/internal/svc"
)

const workers = 64

// job is one checksum to compute; the worker answers on reply.
type job struct {
	data  []byte
	reply chan<- [sha256.Size]byte
}

func main() {
	svc.Run("worker-pool", func(s *svc.Service) (svc.Load, error) {
		jobs := make(chan job, workers)
		for range workers {
			go checksumWorker(jobs)
		}
		batch := 1
		if s.Leaky {
			batch = workers
		}
		s.Mux.HandleFunc("/checksum", checksumHandler(jobs))
		return s.GetLoad("/checksum?parts=" + strconv.Itoa(batch)), nil
	})
}

// checksumWorker serves jobs forever; it blocks in a receive while idle.
func checksumWorker(jobs <-chan job) {
	for j := range jobs {
		j.reply <- sha256.Sum256(j.data)
	}
}

func checksumHandler(jobs chan<- job) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		parts, err := strconv.Atoi(r.URL.Query().Get("parts"))
		if err != nil || parts < 1 || parts > 1024 {
			http.Error(w, "bad parts", http.StatusBadRequest)
			return
		}
		// Buffered for every part, so a worker never waits on the handler.
		reply := make(chan [sha256.Size]byte, parts)
		for i := range parts {
			data := []byte(r.URL.Path + "#" + strconv.Itoa(i))
			select {
			case jobs <- job{data: data, reply: reply}:
			case <-r.Context().Done():
				return
			}
		}
		var combined [sha256.Size]byte
		for range parts {
			sum := <-reply
			for i := range combined {
				combined[i] ^= sum[i]
			}
		}
		fmt.Fprintln(w, hex.EncodeToString(combined[:]))
	}
}
