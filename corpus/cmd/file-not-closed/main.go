// file-not-closed: every /report request renders a CSV report into a spool
// file (a temp file, unlinked right after it is created, so that its space is
// freed once it is closed), then sends the spool back with a known
// Content-Length. Every open spool is registered in the service's spool table,
// which shutdown and /debug/spools use; closing a spool removes it from the
// table.
//
// In leaky mode renderReport never closes its spool. The *os.File stays
// referenced from the spool table, so the runtime cleanup that would close
// the descriptor of an unreachable *os.File never runs: each request leaves
// one more open fd (on a deleted file, whose disk space is not freed either:
// "(deleted)" entries in /proc/PID/fd) plus the table entry and the *os.File
// on the Go heap.
//
// The fixed mode closes the spool with `defer sp.Close()`, which closes the
// file and removes it from the table.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"leakscope.dev/corpus/internal/svc"
)

func main() {
	svc.Run("file-not-closed", func(s *svc.Service) (svc.Load, error) {
		spools := &spoolTable{open: make(map[uint64]*spool)}
		s.Mux.HandleFunc("/report", reportHandler(spools, s.Leaky))
		s.Mux.HandleFunc("/debug/spools", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%d open spools\n", spools.len())
		})
		var n atomic.Uint64
		return func(ctx context.Context) error {
			return s.GetLoad("/report?account=" + strconv.FormatUint(n.Add(1)%500, 10))(ctx)
		}, nil
	})
}

// spoolTable tracks every open spool file by id.
type spoolTable struct {
	mu   sync.Mutex
	next uint64
	open map[uint64]*spool
}

// spool is an anonymous temp file that a response is rendered into.
type spool struct {
	id    uint64
	f     *os.File
	table *spoolTable
}

// newSpool creates an unlinked temp file and registers it in the table.
func (t *spoolTable) newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "report-*.spool")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	sp := &spool{id: t.next, f: f, table: t}
	t.open[sp.id] = sp
	return sp, nil
}

func (t *spoolTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.open)
}

// Close closes the file and forgets the spool.
func (sp *spool) Close() error {
	sp.table.mu.Lock()
	delete(sp.table.open, sp.id)
	sp.table.mu.Unlock()
	return sp.f.Close()
}

func reportHandler(spools *spoolTable, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		render := renderReportFixed
		if leaky {
			render = renderReport
		}
		if err := render(w, spools, r.URL.Query().Get("account")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
}

// renderReport spools the account's report and sends it. It never closes
// the spool: the leak.
func renderReport(w http.ResponseWriter, spools *spoolTable, account string) error {
	sp, err := spools.newSpool() // want "file-not-closed"
	if err != nil {
		return err
	}
	return sendSpooled(w, sp.f, account)
}

// renderReportFixed is renderReport with the spool closed on every path.
func renderReportFixed(w http.ResponseWriter, spools *spoolTable, account string) error {
	sp, err := spools.newSpool()
	if err != nil {
		return err
	}
	defer sp.Close()
	return sendSpooled(w, sp.f, account)
}

// sendSpooled writes the report into f, then copies f to w with its length.
func sendSpooled(w http.ResponseWriter, f *os.File, account string) error {
	size, err := writeReport(f, account)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	// Past this point the status is sent; a failed copy means the client left.
	_, _ = io.Copy(w, f)
	return nil
}

// writeReport writes the account's monthly statement as CSV.
func writeReport(out io.Writer, account string) (int64, error) {
	var size int64
	n, err := fmt.Fprintf(out, "account,month,debits,credits,balance\n")
	size += int64(n)
	if err != nil {
		return size, err
	}
	for month := range 36 {
		n, err := fmt.Fprintf(out, "%s,%d-%02d,%d,%d,%d\n", account, 2023+month/12, 1+month%12,
			month*113%997, month*71%883, month*42-700)
		size += int64(n)
		if err != nil {
			return size, err
		}
	}
	return size, nil
}
