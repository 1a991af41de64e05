// Package dumpfeatures writes one runtime.Stack(all) dump in which every
// header and block feature of a debug=2 dump appears, for leakscope's parser
// tests: a goroutine locked to its thread, one with pprof labels (shown with
// GODEBUG=tracebacklabels=1), one created by a goroutine that was itself
// created (ancestors, with GODEBUG=tracebackancestors=N), one deeper than the
// runtime prints (elided frames), and goroutines durably blocked inside a
// synctest bubble. The dump goes to the file named by $DUMP_OUT.
package dumpfeatures

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"testing/synctest"
)

var never = make(chan struct{})

func lockedWaiter(ready chan<- struct{}) {
	runtime.LockOSThread()
	ready <- struct{}{}
	<-never
}

func labelledWaiter(ready chan<- struct{}) {
	pprof.Do(context.Background(), pprof.Labels("handler", "lookup", "tenant", "a\"b"), func(context.Context) {
		ready <- struct{}{}
		<-never
	})
}

func spawnChild(ready chan<- struct{}) {
	go childWaiter(ready)
}

func childWaiter(ready chan<- struct{}) {
	ready <- struct{}{}
	<-never
}

func deep(n int, ready chan<- struct{}) {
	if n == 0 {
		ready <- struct{}{}
		<-never
		return
	}
	deep(n-1, ready)
}

func dumpAll(t *testing.T) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	if err := os.WriteFile(os.Getenv("DUMP_OUT"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDump(t *testing.T) {
	if os.Getenv("DUMP_OUT") == "" {
		t.Skip("DUMP_OUT not set")
	}
	ready := make(chan struct{})
	go lockedWaiter(ready)
	go labelledWaiter(ready)
	go spawnChild(ready)
	go deep(150, ready)
	for range 4 {
		<-ready
	}
	synctest.Test(t, func(t *testing.T) {
		bubbled := make(chan int)
		for range 3 {
			go func() { <-bubbled }()
		}
		synctest.Wait() // every bubbled goroutine is durably blocked
		dumpAll(t)
		close(bubbled)
	})
}
