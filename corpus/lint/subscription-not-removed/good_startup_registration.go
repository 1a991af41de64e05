package subscriptionnotremoved

import (
	"log"
	"sync"
)

type lifecycle struct {
	mu    sync.Mutex
	hooks []func()
}

func (l *lifecycle) OnShutdown(fn func()) {
	l.mu.Lock()
	l.hooks = append(l.hooks, fn)
	l.mu.Unlock()
}

var appLifecycle = &lifecycle{}

// init registers its hooks once, when the program starts.
func init() {
	appLifecycle.OnShutdown(func() { log.Print("flushing") })
	appLifecycle.OnShutdown(func() { log.Print("closing") })
}
