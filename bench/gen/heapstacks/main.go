// Command heapstacks writes a pair of heap profiles (base and new) whose
// samples come from tens of thousands of distinct call stacks, the input of
// bench/pprof. With MemProfileRate=1 every allocation is recorded, and each
// allocation happens at the end of its own path through a binary tree of
// calls (walk → left|right → walk → ...), so 2^depth leaves give 2^depth
// distinct stacks. Between the two profiles a quarter of the paths allocate
// more (growth) and an eighth release what they held (shrinkage), so the
// difference has both signs, like a real leak next to normal churn.
//
// It is a benchmark input generator, not a test.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// kept holds what each path allocated, indexed by path, so in-use memory stays live.
var kept [][][]byte

// walk descends depth levels, choosing left or right by the low bit of path.
//
//go:noinline
func walk(depth int, path, full uint32, size int) {
	if depth == 0 {
		leaf(full, size)
		return
	}
	if path&1 == 0 {
		left(depth-1, path>>1, full, size)
	} else {
		right(depth-1, path>>1, full, size)
	}
}

//go:noinline
func left(depth int, path, full uint32, size int) { walk(depth, path, full, size) }

//go:noinline
func right(depth int, path, full uint32, size int) { walk(depth, path, full, size) }

// leaf allocates size bytes and keeps them under the path's slot.
//
//go:noinline
func leaf(full uint32, size int) {
	kept[full] = append(kept[full], make([]byte, size))
}

func writeHeap(path string) {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	runtime.MemProfileRate = 1
	depth := flag.Int("depth", 16, "tree depth: 2^depth distinct allocation stacks")
	out := flag.String("out", ".", "directory for heap-base.pb.gz and heap-new.pb.gz")
	flag.Parse()
	if *depth < 1 || *depth > 22 {
		log.Fatalf("-depth must be in 1..22, not %d", *depth)
	}
	n := uint32(1) << *depth
	kept = make([][][]byte, n)
	for p := uint32(0); p < n; p++ {
		walk(*depth, p, p, 32+int(p%7)*16)
	}
	writeHeap(filepath.Join(*out, "heap-base.pb.gz"))
	for p := uint32(0); p < n; p++ {
		switch {
		case p%4 == 0:
			walk(*depth, p, p, 256)
		case p%8 == 1:
			kept[p] = nil
		}
	}
	writeHeap(filepath.Join(*out, "heap-new.pb.gz"))
	fmt.Printf("wrote %d-stack heap profiles to %s\n", n, *out)
}
