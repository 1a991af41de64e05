package cacheunbounded

import (
	"context"
	"sync"
)

type GetOrderRequest struct{ ID string }
type GetOrderResponse struct{ Status string }

type orderService struct {
	mu     sync.Mutex
	lookup map[string]string
}

// GetOrder has the shape of a gRPC handler; it records every id it is asked
// about.
func (s *orderService) GetOrder(ctx context.Context, req *GetOrderRequest) (*GetOrderResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.lookup[req.ID]
	if !ok {
		st = "unknown"
		s.lookup[req.ID] = st // want "cache-unbounded"
	}
	return &GetOrderResponse{Status: st}, ctx.Err()
}
