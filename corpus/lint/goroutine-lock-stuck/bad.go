// Package goroutinelockstuck holds labelled cases for the goroutine-lock-stuck rule.
package goroutinelockstuck

import (
	"errors"
	"sync"
)

var errFunds = errors.New("insufficient funds")

type account struct {
	mu      sync.Mutex
	balance int64
}

// Early return with the lock held.
func (a *account) post(amount int64) error {
	a.mu.Lock() // want "goroutine-lock-stuck"
	if a.balance+amount < 0 {
		return errFunds
	}
	a.balance += amount
	a.mu.Unlock()
	return nil
}

type cache struct {
	mu sync.RWMutex
	m  map[string]string
}

// RLock without RUnlock on the hit path.
func (c *cache) get(k string) (string, bool) {
	c.mu.RLock() // want "goroutine-lock-stuck"
	if v, ok := c.m[k]; ok {
		return v, true
	}
	c.mu.RUnlock()
	return "", false
}

// Unlock forgotten on one branch.
func (c *cache) put(k, v string, overwrite bool) {
	c.mu.Lock() // want "goroutine-lock-stuck"
	if _, ok := c.m[k]; ok && !overwrite {
		return
	}
	c.m[k] = v
	c.mu.Unlock()
}

var (
	regMu    sync.Mutex
	registry = map[string]int{}
)

// Package-level mutex, continue skips the unlock.
func registerAll(names []string) {
	for i, n := range names {
		regMu.Lock() // want "goroutine-lock-stuck"
		if n == "" {
			continue
		}
		registry[n] = i
		regMu.Unlock()
	}
}

// A switch with a missing unlock in one case.
func (a *account) apply(op string, amount int64) {
	a.mu.Lock() // want "goroutine-lock-stuck"
	switch op {
	case "credit":
		a.balance += amount
		a.mu.Unlock()
	case "debit":
		a.balance -= amount
	default:
		a.mu.Unlock()
	}
}

// Unlock only after a loop that can return.
func (c *cache) firstMissing(keys []string) string {
	c.mu.Lock() // want "goroutine-lock-stuck"
	for _, k := range keys {
		if _, ok := c.m[k]; !ok {
			return k
		}
	}
	c.mu.Unlock()
	return ""
}

// A local mutex shared with goroutines, never unlocked after an error.
func collect(items []int) ([]int, error) {
	var mu sync.Mutex
	var out []int
	for _, it := range items {
		mu.Lock() // want "goroutine-lock-stuck"
		if it < 0 {
			return nil, errFunds
		}
		out = append(out, it)
		mu.Unlock()
	}
	return out, nil
}
