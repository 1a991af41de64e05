// goroutine-ctx-never-cancelled: every request opens a session whose context
// is derived from the server's long-lived base context (not from the request),
// and a watcher goroutine waits on <-ctx.Done() to release the session's
// bookkeeping when it ends. The cancel function lives in the session struct,
// so go vet's lostcancel check has nothing to complain about, but in leaky
// mode the handler never calls Session.Close. The base context is never
// cancelled while the server runs, so each session's context is never done:
// every watcher stays parked in a channel receive (wait reason "chan
// receive") forever, and the child context stays registered in the base
// context's children set. The fixed mode closes the session with
// `defer sess.Close()`, which cancels the context and lets the watcher exit.
package main

import (
	"context"
	"expvar"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

var openSessions = expvar.NewInt("open_sessions")

func main() {
	svc.Run("goroutine-ctx-never-cancelled", func(s *svc.Service) (svc.Load, error) {
		// base lives as long as the server: sessions may outlive a single
		// request (they are meant to be closed by whoever opened them).
		base, stop := context.WithCancel(context.Background())
		_ = stop // the server runs until the process is killed
		s.Mux.HandleFunc("/profile", profileHandler(base, s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			return s.GetLoad("/profile?user=" + strconv.FormatUint(n.Add(1)%1000, 10))(ctx)
		}, nil
	})
}

// Session is the per-user state a request works with. Close must be called
// when the caller is done with it.
type Session struct {
	User    string
	ctx     context.Context
	cancel  context.CancelFunc
	started time.Time
}

// OpenSession derives the session's context from base and starts a watcher
// that releases the session's bookkeeping once the context is done.
func OpenSession(base context.Context, user string) *Session {
	ctx, cancel := context.WithCancel(base)
	s := &Session{User: user, ctx: ctx, cancel: cancel, started: time.Now()}
	openSessions.Add(1)
	go s.watch()
	return s
}

// watch blocks until the session's context is done.
func (s *Session) watch() {
	<-s.ctx.Done()
	openSessions.Add(-1)
	_ = time.Since(s.started)
}

// Close ends the session: it cancels the context the watcher waits on.
func (s *Session) Close() { s.cancel() }

// loadProfile stands in for the work done under the session.
func loadProfile(ctx context.Context, user string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return "profile of user " + user, nil
}

func profileHandler(base context.Context, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := OpenSession(base, r.URL.Query().Get("user")) // want "goroutine-ctx-never-cancelled"
		if !leaky {
			defer sess.Close()
		}
		profile, err := loadProfile(sess.ctx, sess.User)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, profile)
	}
}
