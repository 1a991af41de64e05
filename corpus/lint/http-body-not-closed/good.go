package httpbodynotclosed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// The classic: defer right after the error check.
func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// Returned to the caller, who closes it.
func open(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	return resp, nil
}

// Closed in a helper of the package.
func drainAndClose(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func ping(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer drainAndClose(resp)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

// The body alone is handed on to the caller.
func stream(url string) (io.ReadCloser, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Stored in a struct that closes it in Close.
type download struct {
	resp *http.Response
}

func startDownload(url string) (*download, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	d := &download{}
	d.resp = resp
	return d, nil
}

func (d *download) Close() error { return d.resp.Body.Close() }

// Closed on every branch.
func statusText(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return "", fmt.Errorf("status %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return string(b), err
}

// Body aliased, closed through the alias in a deferred closure.
func lines(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	body := resp.Body
	defer func() { _ = body.Close() }()
	b, err := io.ReadAll(body)
	return len(b), err
}

// sync.Once.Do is not an HTTP call.
var once sync.Once

func initOnce() { once.Do(func() {}) }

// Each response closed before the next iteration.
func fetchAll(c *http.Client, urls []string) (int, error) {
	total := 0
	for _, u := range urls {
		resp, err := c.Get(u)
		if err != nil {
			return total, err
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		total += int(n)
	}
	return total, nil
}
