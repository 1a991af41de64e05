package subscriptionnotremoved

import (
	"context"
	"sync"
)

type FollowRequest struct{ Topic string }
type FollowResponse struct{ Accepted bool }

type listener interface{ Notify(topic string) }

type topicBus struct {
	mu        sync.Mutex
	listeners []listener
}

func (b *topicBus) AddListener(l listener) {
	b.mu.Lock()
	b.listeners = append(b.listeners, l)
	b.mu.Unlock()
}

func (b *topicBus) RemoveListener(l listener) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.listeners {
		if x == l {
			b.listeners = append(b.listeners[:i], b.listeners[i+1:]...)
			return
		}
	}
}

type followerSink struct{ topic string }

func (f *followerSink) Notify(string) {}

type followService struct{ topics *topicBus }

// Follow is a gRPC-style handler that adds a listener per call.
func (s *followService) Follow(ctx context.Context, req *FollowRequest) (*FollowResponse, error) {
	s.topics.AddListener(&followerSink{topic: req.Topic}) // want "subscription-not-removed"
	return &FollowResponse{Accepted: true}, ctx.Err()
}
