package cacheunbounded

import (
	"fmt"
	"net/http"
	"strings"
)

// wordCount builds a map that dies with the request.
func wordCount(w http.ResponseWriter, r *http.Request) {
	counts := map[string]int{}
	for _, word := range strings.Fields(r.FormValue("text")) {
		counts[word]++
	}
	fmt.Fprintln(w, len(counts))
}

type headerSet struct{ seen map[string]bool }

func (h *headerSet) add(k string) { h.seen[k] = true }

// uniqueHeaders uses a per-request struct whose map is dropped afterwards.
func uniqueHeaders(w http.ResponseWriter, r *http.Request) {
	hs := &headerSet{seen: map[string]bool{}}
	for k := range r.Header {
		hs.add(strings.ToLower(k))
	}
	fmt.Fprintln(w, len(hs.seen))
}
