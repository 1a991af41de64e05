// Package goroutineselectforever holds labelled cases for the goroutine-select-forever rule.
package goroutineselectforever

import (
	"net/http"
	"time"
)

var events = make(chan string)

func handleEvent(string) {}

// select {} in a goroutine: parked forever wherever it is started.
func keepAlive() {
	go func() { // want "goroutine-select-forever"
		select {}
	}()
}

// A pump with no way out, started per request.
func pump(progress <-chan int, warnings <-chan string) {
	for {
		select {
		case <-progress:
		case <-warnings:
		}
	}
}

func upload(w http.ResponseWriter, r *http.Request) {
	progress := make(chan int)
	warnings := make(chan string)
	go pump(progress, warnings) // want "goroutine-select-forever"
	progress <- 1
	w.WriteHeader(http.StatusNoContent)
}

// A ticker loop per request.
func status(w http.ResponseWriter, r *http.Request) {
	t := time.NewTicker(time.Second)
	go func() { // want "goroutine-select-forever"
		for range t.C {
			handleEvent("tick")
		}
	}()
	w.WriteHeader(http.StatusOK)
}

// Started in a loop: one forever-goroutine per item.
func watchAll(names []string) {
	for _, n := range names {
		go func() { // want "goroutine-select-forever"
			for {
				handleEvent(<-events + n)
			}
		}()
	}
}

// A handler-called helper that starts a forever loop.
func startListener() {
	go func() { // want "goroutine-select-forever"
		for {
			select {
			case e := <-events:
				handleEvent(e)
			case <-time.After(time.Second):
			}
		}
	}()
}

func subscribe(w http.ResponseWriter, r *http.Request) {
	startListener()
	w.WriteHeader(http.StatusAccepted)
}

// break inside the select only leaves the select, not the loop.
func drainer(w http.ResponseWriter, r *http.Request) {
	go func() { // want "goroutine-select-forever"
		for {
			select {
			case e := <-events:
				if e == "" {
					break
				}
				handleEvent(e)
			}
		}
	}()
}

// A middleware closure starting a parked goroutine per request.
func middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		go func() { // want "goroutine-select-forever"
			for range time.Tick(time.Second) {
				handleEvent(r.URL.Path)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
