// closure-retains: an order service schedules a follow-up e-mail ("how was
// your order?") for 24 hours after each order, as a closure in an in-process
// job queue (a min-heap ordered by due time, drained on the request path, no
// goroutine per job). In leaky mode the closure refers to o.Email and o.ID,
// which makes the compiler capture the whole parsed order o, and o.Attachment
// is a sub-slice of the 128 KiB request body that io.ReadAll allocated. So
// every queued closure keeps a whole request body reachable from the
// long-lived queue until the job runs a day later: post-GC live heap grows by
// ~128 KiB per order, all of it allocated by io.ReadAll under
// (*shop).handleOrder. The fixed mode copies the two strings it needs into
// locals before building the closure, so a queued job holds ~80 bytes and
// the body becomes garbage when the handler returns.
package main

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// followUpDelay is how long after an order its follow-up e-mail goes out.
	followUpDelay = 24 * time.Hour
	// attachmentSize is the size of the invoice scan each order carries.
	attachmentSize = 128 << 10
	// orderEvery is how many load ticks make one order; the others browse.
	orderEvery = 8
)

func main() {
	svc.Run("closure-retains", func(s *svc.Service) (svc.Load, error) {
		sh := &shop{leaky: s.Leaky}
		s.Mux.HandleFunc("POST /orders", sh.handleOrder)
		s.Mux.HandleFunc("GET /catalog", sh.handleCatalog)
		return orderLoad(s), nil
	})
}

// order is what the service parses out of an order request.
type order struct {
	ID         string
	Email      string
	Attachment []byte // the invoice scan: a sub-slice of the request body
}

// parseOrder reads "ID\nEMAIL\n" followed by the attachment.
func parseOrder(body []byte) (order, error) {
	id, rest, ok := bytes.Cut(body, []byte("\n"))
	if !ok {
		return order{}, errors.New("missing order id line")
	}
	email, attachment, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return order{}, errors.New("missing e-mail line")
	}
	return order{ID: string(id), Email: string(email), Attachment: attachment}, nil
}

// shop handles orders and keeps the follow-up queue.
type shop struct {
	leaky     bool
	followUps jobQueue
	sent      atomic.Int64
}

func (sh *shop) handleOrder(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o, err := parseOrder(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	sum := crc32.ChecksumIEEE(o.Attachment)
	sh.scheduleFollowUp(o)
	sh.followUps.RunDue(time.Now())
	fmt.Fprintf(w, "order %s accepted, invoice crc %08x, %d follow-ups queued\n", o.ID, sum, sh.followUps.Len())
}

// scheduleFollowUp queues the review-request e-mail for an order.
func (sh *shop) scheduleFollowUp(o order) {
	due := time.Now().Add(followUpDelay)
	if sh.leaky {
		// The closure captures o, and with it o.Attachment's 128 KiB backing array.
		sh.followUps.Schedule(due, func() { sh.sendReviewRequest(o.Email, o.ID) }) // want "closure-retains"
		return
	}
	email, id := o.Email, o.ID
	sh.followUps.Schedule(due, func() { sh.sendReviewRequest(email, id) })
}

// sendReviewRequest stands in for the mailer.
func (sh *shop) sendReviewRequest(email, orderID string) {
	_ = email + orderID
	sh.sent.Add(1)
}

func (sh *shop) handleCatalog(w http.ResponseWriter, r *http.Request) {
	sh.followUps.RunDue(time.Now())
	fmt.Fprintln(w, "catalog: 3 products")
}

// job is one queued closure and when it is due.
type job struct {
	due int64 // unix nanoseconds
	run func()
}

// jobHeap is a min-heap of jobs by due time.
type jobHeap []job

func (h jobHeap) Len() int           { return len(h) }
func (h jobHeap) Less(i, j int) bool { return h[i].due < h[j].due }
func (h jobHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *jobHeap) Push(x any)        { *h = append(*h, x.(job)) }
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = job{}
	*h = old[:len(old)-1]
	return j
}

// jobQueue runs closures at a later time without a goroutine per job: the
// request path calls RunDue.
type jobQueue struct {
	mu   sync.Mutex
	jobs jobHeap
}

// Schedule queues run to be called at or after due.
func (q *jobQueue) Schedule(due time.Time, run func()) {
	q.mu.Lock()
	heap.Push(&q.jobs, job{due: due.UnixNano(), run: run})
	q.mu.Unlock()
}

// RunDue calls every job that is due by now.
func (q *jobQueue) RunDue(now time.Time) {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 || q.jobs[0].due > now.UnixNano() {
			q.mu.Unlock()
			return
		}
		j := heap.Pop(&q.jobs).(job)
		q.mu.Unlock()
		j.run()
	}
}

// Len is the number of queued jobs.
func (q *jobQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.jobs)
}

// orderLoad places an order every orderEvery ticks and browses the catalog
// on the others.
func orderLoad(s *svc.Service) svc.Load {
	attachment := bytes.Repeat([]byte("%PDF-1.7 invoice scan "), attachmentSize/22+1)[:attachmentSize]
	browse := s.GetLoad("/catalog")
	var tick atomic.Uint64
	return func(ctx context.Context) error {
		n := tick.Add(1)
		if n%orderEvery != 0 {
			return browse(ctx)
		}
		header := "ord-" + strconv.FormatUint(n, 10) + "\ncustomer" + strconv.FormatUint(n%5000, 10) + "@example.com\n"
		body := io.MultiReader(bytes.NewReader([]byte(header)), bytes.NewReader(attachment))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL+"/orders", body)
		if err != nil {
			return err
		}
		req.ContentLength = int64(len(header) + len(attachment))
		resp, err := s.Client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
}
