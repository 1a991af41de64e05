package goroutinelockstuck

import "sync"

// defer right after Lock.
func (a *account) postDeferred(amount int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance+amount < 0 {
		return errFunds
	}
	a.balance += amount
	return nil
}

// Unlocked on every branch.
func (c *cache) lookup(k string) (string, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	if !ok {
		c.mu.RUnlock()
		return "", false
	}
	c.mu.RUnlock()
	return v, true
}

// Lock helpers that return with the lock held by design.
func (c *cache) lockForWrite() *cache {
	c.mu.Lock()
	return c
}

// Returns the unlock function to the caller.
func (a *account) hold() func() {
	a.mu.Lock()
	return a.mu.Unlock
}

// Unlock, slow work, relock: the deferred Unlock covers the relock.
func (c *cache) refresh(load func() map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m
	c.mu.Unlock()
	fresh := load()
	c.mu.Lock()
	if len(fresh) >= len(old) {
		c.m = fresh
	}
}

// Unlocked in a deferred closure.
func (a *account) withdraw(amount int64) (ok bool) {
	a.mu.Lock()
	defer func() {
		a.mu.Unlock()
	}()
	if a.balance < amount {
		return false
	}
	a.balance -= amount
	return true
}

// A lock in each iteration released before the next.
func registerEach(names []string) {
	for i, n := range names {
		regMu.Lock()
		if n != "" {
			registry[n] = i
		}
		regMu.Unlock()
	}
}

// sync.Cond wait loop.
type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func (q *queue) pop() int {
	q.mu.Lock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	q.mu.Unlock()
	return it
}

// A panic path: the process dies (or a recover unlocks).
func (a *account) mustPost(amount int64) {
	a.mu.Lock()
	if amount == 0 {
		panic("zero amount")
	}
	a.balance += amount
	a.mu.Unlock()
}
