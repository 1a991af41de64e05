// Command goroutines parks a large number of goroutines the way a leaking
// service does — blocked on channels, selects, mutexes, wait groups, condition
// variables and sleeps, at varying stack depths — and writes the same moment
// as three goroutine profiles: a full debug=2 dump (runtime.Stack with a buffer
// big enough for every goroutine, so it is not cut at 64 MiB the way
// /debug/pprof/goroutine?debug=2 is), the debug=1 text and the debug=0 proto.
//
// It is the input of bench/goroutines; it is not a test and leaks on purpose.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// park blocks the calling goroutine forever in one of several ways.
type park func(i int)

var (
	never     = make(chan int) // nobody sends or receives on it
	nilChan   chan int         // a nil channel blocks forever
	held      sync.Mutex       // locked once and never unlocked
	neverDone sync.WaitGroup   // Add(1) without a Done
	cond      = sync.NewCond(&sync.Mutex{})
	rw        sync.RWMutex        // write-locked once and never unlocked
	results   = make(chan string) // unbuffered, never read
)

func sendResult(i int) { results <- fmt.Sprint(i) }
func awaitReply(int)   { <-never }
func waitEither(int) {
	select {
	case <-never:
	case <-nilChan:
	}
}
func lockShared(int)   { held.Lock() }
func readShared(int)   { rw.RLock() }
func awaitGroup(int)   { neverDone.Wait() }
func awaitSignal(int)  { cond.L.Lock(); cond.Wait() }
func sleepLong(int)    { time.Sleep(24 * time.Hour) }
func blockForever(int) { select {} }
func receiveNil(int)   { <-nilChan }

var parks = []park{sendResult, awaitReply, waitEither, lockShared, readShared,
	awaitGroup, awaitSignal, sleepLong, blockForever, receiveNil}

// descend adds depth frames between the goroutine's entry and where it
// parks, so the dump has many distinct stacks as a real service does.
func descend(depth, i int, p park) {
	if depth == 0 {
		p(i)
		return
	}
	if depth%2 == 0 {
		descendEven(depth-1, i, p)
		return
	}
	descend(depth-1, i, p)
}

func descendEven(depth, i int, p park) { descend(depth, i, p) }

func worker(i int) { descend(i%17, i, parks[i%len(parks)]) }

func main() {
	n := flag.Int("n", 100000, "goroutines to park")
	out := flag.String("out", ".", "directory for the three profiles")
	flag.Parse()
	held.Lock()
	rw.Lock()
	neverDone.Add(1)
	base := runtime.NumGoroutine()
	for i := 0; i < *n; i++ {
		go worker(i)
	}
	for runtime.NumGoroutine() < base+*n {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // let every goroutine reach its parking spot
	if err := write(*out); err != nil {
		log.Fatal(err)
	}
}

func write(dir string) error {
	buf := make([]byte, 64<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	if err := os.WriteFile(filepath.Join(dir, "goroutines.debug2.txt"), buf, 0o644); err != nil {
		return err
	}
	for _, p := range []struct {
		name  string
		debug int
	}{{"goroutines.debug1.txt", 1}, {"goroutines.pb.gz", 0}} {
		f, err := os.Create(filepath.Join(dir, p.name))
		if err != nil {
			return err
		}
		if err := pprof.Lookup("goroutine").WriteTo(f, p.debug); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
