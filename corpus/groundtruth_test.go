package corpus_test

// The ground-truth test: every corpus program is run in both modes and the
// signal its leak moves is measured from the outside, the way an operator
// would see it. Leaky mode must grow; fixed mode and every healthy control
// must stay bounded. Run with -v to see one "PROGRAM MODE SIGNAL start→end"
// line per run.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signal is what a program's leak moves.
type signal string

const (
	goroutines signal = "goroutines" // goroutine profile total
	heapLive   signal = "heap_live"  // HeapAlloc right after a forced GC (/debug/pprof/heap?gc=1)
	openFDs    signal = "open_fds"   // entries in /proc/PID/fd
	nonGoRSS   signal = "nongo_rss"  // VmRSS − (runtime Sys − HeapReleased): memory Go does not know about (cgo)
)

// program is one corpus program and what its ground truth is.
type program struct {
	name   string
	signal signal
	// control programs never leak, in either mode.
	control bool
	// rate overrides the default --rate.
	rate float64
	// warmup before the first sample; run is the time from first to last sample.
	warmup, run time.Duration
	// leakMin is the growth leaky mode must show from first to last sample
	// (and at least half of it in the second half of the run, so a plateau fails).
	leakMin float64
	// tailMax is the most a bounded run may grow over the second half of the run.
	tailMax float64
}

const (
	kib = 1024.0
	mib = 1024 * kib
)

var programs = []program{
	// goroutine family
	{name: "goroutine-chan-blocked", signal: goroutines, leakMin: 100, tailMax: 20},
	{name: "goroutine-ctx-never-cancelled", signal: goroutines, leakMin: 150, tailMax: 20},
	{name: "goroutine-select-forever", signal: goroutines, leakMin: 150, tailMax: 20},
	{name: "goroutine-waitgroup-stuck", signal: goroutines, leakMin: 100, tailMax: 20},
	{name: "goroutine-lock-stuck", signal: goroutines, leakMin: 150, tailMax: 20},
	// retention family
	{name: "closure-retains", signal: heapLive, leakMin: 3 * mib, tailMax: 1 * mib},
	{name: "global-retains", signal: heapLive, leakMin: 3 * mib, tailMax: 1 * mib},
	{name: "subslice-retains-array", signal: heapLive, leakMin: 3 * mib, tailMax: 1 * mib},
	// cache family
	{name: "cache-unbounded", signal: heapLive, leakMin: 3 * mib, tailMax: 1 * mib},
	{name: "map-no-shrink", signal: heapLive, leakMin: 3 * mib, tailMax: 1 * mib},
	// resource family
	{name: "http-body-not-closed", signal: openFDs, leakMin: 150, tailMax: 10}, // ~50 fds/s
	{name: "sql-rows-not-closed", signal: openFDs, leakMin: 25, tailMax: 8},    // ~9 fds/s (cache misses)
	{name: "file-not-closed", signal: openFDs, leakMin: 150, tailMax: 10},      // ~50 fds/s
	{name: "client-per-request", signal: openFDs, leakMin: 60, tailMax: 16},    // ~23 fds/s; fixed keeps ≤8 idle conns
	{name: "pool-of-resources", signal: openFDs, leakMin: 50, tailMax: 40},     // ~25 fds/s; fixed bursts to 16 conns
	// other family
	{name: "defer-in-loop", signal: heapLive, leakMin: 4 * mib, tailMax: 1 * mib},
	{name: "ticker-not-stopped", signal: heapLive, leakMin: 1.5 * mib, tailMax: 256 * kib},
	{name: "cgo-not-freed", signal: nonGoRSS, leakMin: 5 * mib, tailMax: 2 * mib},
	{name: "subscription-not-removed", signal: heapLive, leakMin: 3 * mib, tailMax: 1 * mib},
	// healthy controls: noisy, never leaking
	// pool-hangover keeps one 4 MiB buffer per render slot, plus up to one per P
	// that sat in a P's private pool slot when another P needed a buffer.
	{name: "pool-hangover", signal: heapLive, control: true, tailMax: float64(runtime.GOMAXPROCS(0)) * 4 * mib},
	{name: "bursty-sawtooth", signal: heapLive, control: true, tailMax: 3 * mib},
	{name: "bounded-cache", signal: heapLive, control: true, tailMax: 2 * mib},
	{name: "worker-pool", signal: goroutines, control: true, tailMax: 20},
	{name: "slow-warmup", signal: heapLive, control: true, warmup: 2 * time.Second, tailMax: 1 * mib},
}

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leakscope-corpus-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "./cmd/...")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the corpus:", err)
		os.Exit(2)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestEveryProgramHasGroundTruth keeps the table and cmd/ in step.
func TestEveryProgramHasGroundTruth(t *testing.T) {
	entries, err := os.ReadDir("cmd")
	if err != nil {
		t.Fatal(err)
	}
	inTable := map[string]bool{}
	for _, p := range programs {
		inTable[p.name] = true
	}
	for _, e := range entries {
		if e.IsDir() && !inTable[e.Name()] {
			t.Errorf("cmd/%s has no ground-truth row", e.Name())
		}
		delete(inTable, e.Name())
	}
	for name := range inTable {
		t.Errorf("ground-truth row %s has no cmd/%s", name, name)
	}
}

func TestGroundTruth(t *testing.T) {
	for _, p := range programs {
		for _, mode := range []string{"leaky", "fixed"} {
			t.Run(p.name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				checkProgram(t, p, mode)
			})
		}
	}
}

func checkProgram(t *testing.T, p program, mode string) {
	bin := filepath.Join(binDir, p.name)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s was not built: %v", p.name, err)
	}
	rate := p.rate
	if rate == 0 {
		rate = 50
	}
	warmup, run := p.warmup, p.run
	if warmup == 0 {
		warmup = 1500 * time.Millisecond
	}
	if run == 0 {
		run = 6 * time.Second
	}

	ctx, cancel := context.WithTimeout(context.Background(), warmup+run+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--mode="+mode, "--rate="+strconv.FormatFloat(rate, 'f', -1, 64))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("%s printed nothing", p.name)
	}
	addr, ok := strings.CutPrefix(lines.Text(), "listening on ")
	if !ok {
		t.Fatalf("%s: first line %q is not 'listening on ADDR'", p.name, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	base := "http://" + addr
	pid := cmd.Process.Pid

	time.Sleep(warmup)
	first := measure(t, p.signal, base, pid)
	time.Sleep(run / 2)
	mid := measure(t, p.signal, base, pid)
	time.Sleep(run - run/2)
	last := measure(t, p.signal, base, pid)
	t.Logf("%s %s %s %s→%s (mid %s)", p.name, mode, p.signal, show(p.signal, first), show(p.signal, last), show(p.signal, mid))
	fmt.Printf("%s %s %s %s→%s\n", p.name, mode, p.signal, show(p.signal, first), show(p.signal, last))

	leaks := mode == "leaky" && !p.control
	switch {
	case leaks && last-first < p.leakMin:
		t.Errorf("leaky mode grew %s, want at least %s", show(p.signal, last-first), show(p.signal, p.leakMin))
	case leaks && last-mid < p.leakMin/2:
		t.Errorf("leaky mode grew only %s over the second half, want at least %s: it plateaus",
			show(p.signal, last-mid), show(p.signal, p.leakMin/2))
	case !leaks && last-mid > p.tailMax:
		t.Errorf("%s mode grew %s over the second half, want at most %s", mode, show(p.signal, last-mid), show(p.signal, p.tailMax))
	}
}

func show(s signal, v float64) string {
	switch s {
	case heapLive, nonGoRSS:
		return fmt.Sprintf("%.1fMiB", v/mib)
	default:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
}

func measure(t *testing.T, s signal, base string, pid int) float64 {
	t.Helper()
	switch s {
	case goroutines:
		body := fetch(t, base+"/debug/pprof/goroutine?debug=1")
		return field(t, body, `goroutine profile: total (\d+)`)
	case heapLive:
		body := fetch(t, base+"/debug/pprof/heap?gc=1&debug=1")
		return field(t, body, `(?m)^# HeapAlloc = (\d+)`)
	case openFDs:
		entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			t.Fatal(err)
		}
		return float64(len(entries))
	case nonGoRSS:
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		rss := field(t, string(status), `VmRSS:\s+(\d+) kB`) * kib
		memstats := fetch(t, base+"/debug/pprof/heap?debug=1")
		sys := field(t, memstats, `(?m)^# Sys = (\d+)`)
		// Released heap is mapped (counted in Sys) but not resident: the runtime
		// grows the heap in 4 MiB steps that it leaves released, which would make
		// a plain RSS − Sys drop by 4 MiB at random moments.
		released := field(t, memstats, `(?m)^# HeapReleased = (\d+)`)
		return rss - (sys - released)
	}
	t.Fatalf("unknown signal %q", s)
	return 0
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	client := http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(body)
}

func field(t *testing.T, text, pattern string) float64 {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %q in %.200q", pattern, text)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
