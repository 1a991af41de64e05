// goroutine-lock-stuck: a ledger keeps one mutex per account and posts
// amounts in the background (the handler answers 202 Accepted and starts a
// goroutine per posting). In leaky mode Account.Post returns its
// insufficient-funds error with the account's mutex still held, so the
// account is poisoned: every later posting to it blocks in
// sync.(*Mutex).Lock (wait reason "sync.Mutex.Lock") forever, one goroutine
// per request once the accounts have been overdrawn. The fixed mode locks with
// `defer a.mu.Unlock()`, so the error path releases the mutex too.
package main

import (
	"context"
	"errors"
	"expvar"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"leakscope.dev/corpus/internal/svc"
)

var (
	postingsApplied  = expvar.NewInt("postings_applied")
	postingsRejected = expvar.NewInt("postings_rejected")
)

var errInsufficientFunds = errors.New("insufficient funds")

const accounts = 32

func main() {
	svc.Run("goroutine-lock-stuck", func(s *svc.Service) (svc.Load, error) {
		l := &Ledger{accounts: map[string]*Account{}}
		s.Mux.HandleFunc("/post", postHandler(l, s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			// Deposits of 100 with a withdrawal of 250 every third round per account.
			i := n.Add(1) - 1
			amount := 100
			if (i/accounts)%3 == 2 {
				amount = -250
			}
			path := fmt.Sprintf("/post?account=acct-%d&amount=%d", i%accounts, amount)
			return s.GetLoad(path)(ctx)
		}, nil
	})
}

// Ledger holds the accounts; mu guards the map only.
type Ledger struct {
	mu       sync.Mutex
	accounts map[string]*Account
}

// Account is one balance with its own lock, so postings to different
// accounts do not contend.
type Account struct {
	mu      sync.Mutex
	balance int64
}

// Account returns the account with id, creating it on first use.
func (l *Ledger) Account(id string) *Account {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.accounts[id]
	if a == nil {
		a = &Account{}
		l.accounts[id] = a // want "cache-unbounded" (one account per client-sent id, never removed)
	}
	return a
}

// Post adds amount to the balance unless that would overdraw the account.
// Its error path returns with a.mu still locked.
func (a *Account) Post(amount int64) error {
	a.mu.Lock() // want "goroutine-lock-stuck"
	if a.balance+amount < 0 {
		return errInsufficientFunds
	}
	a.balance += amount
	a.mu.Unlock()
	return nil
}

// PostDeferred is Post with the unlock deferred, so every path releases it.
func (a *Account) PostDeferred(amount int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance+amount < 0 {
		return errInsufficientFunds
	}
	a.balance += amount
	return nil
}

// postInBackground applies one posting after the request has been acknowledged.
func postInBackground(a *Account, amount int64, leaky bool) {
	post := a.PostDeferred
	if leaky {
		post = a.Post
	}
	if err := post(amount); err != nil {
		postingsRejected.Add(1)
		return
	}
	postingsApplied.Add(1)
}

func postHandler(l *Ledger, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("account")
		amount, err := strconv.ParseInt(r.URL.Query().Get("amount"), 10, 64)
		if id == "" || err != nil {
			http.Error(w, "want account and amount", http.StatusBadRequest)
			return
		}
		go postInBackground(l.Account(id), amount, leaky)
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintln(w, "posting accepted")
	}
}
