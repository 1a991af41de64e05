package subscriptionnotremoved

import (
	"context"
	"sync"
)

type alertSink interface{ Alert(string) }

type alertBus struct {
	mu    sync.Mutex
	sinks map[alertSink]struct{}
}

func (b *alertBus) AddSink(s alertSink) {
	b.mu.Lock()
	b.sinks[s] = struct{}{}
	b.mu.Unlock()
}

func (b *alertBus) RemoveSink(s alertSink) {
	b.mu.Lock()
	delete(b.sinks, s)
	b.mu.Unlock()
}

type WatchAlertsRequest struct{ Team string }
type WatchAlertsResponse struct{ OK bool }

type teamSink struct{ team string }

func (t *teamSink) Alert(string) {}

type alertService struct{ alerts *alertBus }

// WatchAlerts removes its sink from a goroutine when the call's context ends.
func (s *alertService) WatchAlerts(ctx context.Context, req *WatchAlertsRequest) (*WatchAlertsResponse, error) {
	sink := &teamSink{team: req.Team}
	s.alerts.AddSink(sink)
	go func() {
		<-ctx.Done()
		s.alerts.RemoveSink(sink)
	}()
	return &WatchAlertsResponse{OK: true}, nil
}
