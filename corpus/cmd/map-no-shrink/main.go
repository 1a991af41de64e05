// map-no-shrink: a push gateway keeps one long-lived session per connected
// device, and each session tracks unacknowledged deliveries in a map keyed by
// sequence number. When a device (re)connects it is sent the backlog it
// missed, often thousands of messages at once, and acknowledges them right
// away; afterwards only a handful of messages are ever in flight. Go maps
// never shrink: deleting entries only clears slots, so in leaky mode each
// session keeps the groups and tables its inflight map grew to during the
// replay (~0.75–1.5 MiB for 5000–9000 deliveries) for as long as the device
// stays connected, although the map is empty. Devices stay connected for
// hours and new ones keep connecting, so post-GC live heap grows by one
// replay-sized table per connect, allocated under runtime.mapassign_fast64 in
// deliverLocked, called by (*broker).replay. The fixed mode drops the map once
// it is drained (inflight = nil; the next delivery makes a fresh small one),
// so a drained session costs a few hundred bytes.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// logSize is how many recent messages the broker keeps for replays.
	logSize = 10000
	// connectEvery is how many load ticks make one device connect with a backlog.
	connectEvery = 50
	// minBacklog and maxBacklog bound how many messages a connecting device missed.
	minBacklog, maxBacklog = 5000, 9000
	// activeDevices is how many of the most recently connected devices get new messages.
	activeDevices = 16
)

// message is one published message.
type message struct {
	seq   uint64
	topic string
	body  []byte
}

// delivery is one message sent to a device and not yet acknowledged.
type delivery struct {
	msg      *message
	sentAt   time.Time
	deadline time.Time
	attempts int
	topic    string
}

// session is a connected device.
type session struct {
	device   string
	inflight map[uint64]delivery
	acked    uint64
}

// broker owns the message log and the sessions.
type broker struct {
	leaky    bool
	mu       sync.Mutex
	log      [logSize]*message // ring: log[seq%logSize]
	head     uint64            // seq of the newest message
	sessions map[string]*session
}

func newBroker(leaky bool) *broker {
	b := &broker{leaky: leaky, sessions: map[string]*session{}}
	for range logSize {
		b.appendLocked("news")
	}
	return b
}

func main() {
	svc.Run("map-no-shrink", func(s *svc.Service) (svc.Load, error) {
		b := newBroker(s.Leaky)
		s.Mux.HandleFunc("POST /connect", b.handleConnect)
		s.Mux.HandleFunc("POST /publish", b.handlePublish)
		s.Mux.HandleFunc("POST /ack", b.handleAck)
		return deviceLoad(s), nil
	})
}

// appendLocked adds a message to the log and returns it.
func (b *broker) appendLocked(topic string) *message {
	b.head++
	m := &message{seq: b.head, topic: topic, body: []byte("payload #" + strconv.FormatUint(b.head, 10))}
	b.log[b.head%logSize] = m
	return m
}

// deliverLocked records m as sent to s and awaiting an ack.
func deliverLocked(s *session, m *message, now time.Time) {
	if s.inflight == nil {
		s.inflight = map[uint64]delivery{}
	}
	s.inflight[m.seq] = delivery{msg: m, sentAt: now, deadline: now.Add(30 * time.Second), attempts: 1, topic: m.topic}
}

// replay sends s every logged message after since: the backlog a
// reconnecting device missed.
func (b *broker) replay(s *session, since uint64) (first, last uint64) {
	if b.head-since >= logSize {
		since = b.head - logSize + 1
	}
	now := time.Now()
	for seq := since + 1; seq <= b.head; seq++ {
		deliverLocked(s, b.log[seq%logSize], now)
	}
	return since + 1, b.head
}

// ackLocked forgets every delivery to s up to seq.
func (b *broker) ackLocked(s *session, upto uint64) int {
	n := 0
	for seq := range s.inflight {
		if seq <= upto {
			delete(s.inflight, seq)
			n++
		}
	}
	s.acked = max(s.acked, upto)
	if !b.leaky && len(s.inflight) == 0 {
		// A drained map keeps its peak size; drop it and start small next time.
		s.inflight = nil
	}
	return n
}

func (b *broker) handleConnect(w http.ResponseWriter, r *http.Request) {
	device := r.URL.Query().Get("device")
	since, err := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	if device == "" || err != nil {
		http.Error(w, "need device and since", http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &session{device: device, acked: since}
	b.sessions[device] = s // want "cache-unbounded" (one session per client-sent device, never deleted)
	first, last := b.replay(s, since)
	fmt.Fprintf(w, "%d %d\n", first, last)
}

func (b *broker) handlePublish(w http.ResponseWriter, r *http.Request) {
	device := r.URL.Query().Get("device")
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.sessions[device]
	if !ok {
		http.NotFound(w, r)
		return
	}
	m := b.appendLocked("alerts")
	deliverLocked(s, m, time.Now())
	fmt.Fprintf(w, "%d\n", m.seq)
}

func (b *broker) handleAck(w http.ResponseWriter, r *http.Request) {
	device := r.URL.Query().Get("device")
	upto, err := strconv.ParseUint(r.URL.Query().Get("upto"), 10, 64)
	if err != nil {
		http.Error(w, "need upto", http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.sessions[device]
	if !ok {
		http.NotFound(w, r)
		return
	}
	fmt.Fprintf(w, "%d acked, %d in flight\n", b.ackLocked(s, upto), len(s.inflight))
}

// deviceLoad connects a new device with a backlog every connectEvery ticks;
// on the other ticks it publishes to a recently connected device. Devices
// acknowledge everything they receive.
func deviceLoad(s *svc.Service) svc.Load {
	var tick atomic.Uint64
	var published atomic.Uint64
	post := func(ctx context.Context, path string) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL+path, nil)
		if err != nil {
			return "", err
		}
		resp, err := s.Client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("POST %s: %s", path, resp.Status)
		}
		return strings.TrimSpace(string(body)), nil
	}
	return func(ctx context.Context) error {
		n := tick.Add(1)
		connects := n / connectEvery
		if n%connectEvery == 0 {
			device := "dev-" + strconv.FormatUint(connects, 10)
			// The gateway's head is logSize plus everything published so far.
			head := logSize + published.Load()
			since := head - uint64(minBacklog+rand.IntN(maxBacklog-minBacklog))
			out, err := post(ctx, "/connect?device="+device+"&since="+strconv.FormatUint(since, 10))
			if err != nil {
				return err
			}
			_, last, _ := strings.Cut(out, " ")
			_, err = post(ctx, "/ack?device="+device+"&upto="+last)
			return err
		}
		if connects == 0 {
			return nil
		}
		device := "dev-" + strconv.FormatUint(connects-uint64(rand.IntN(int(min(connects, activeDevices)))), 10)
		seq, err := post(ctx, "/publish?device="+device)
		if err != nil {
			return err
		}
		published.Add(1)
		_, err = post(ctx, "/ack?device="+device+"&upto="+seq)
		return err
	}
}
