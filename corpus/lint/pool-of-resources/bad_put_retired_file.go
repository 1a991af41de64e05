package poolofresources

import (
	"os"
	"sync"
)

type rotatingLog struct {
	mu  sync.Mutex
	cur *os.File
}

// retiredLogs has no New: it only ever receives open files from rotate.
var retiredLogs sync.Pool

// rotate parks the old file in a pool instead of closing it.
func (l *rotatingLog) rotate(next *os.File) {
	l.mu.Lock()
	defer l.mu.Unlock()
	retiredLogs.Put(l.cur) // want "pool-of-resources"
	l.cur = next
}
