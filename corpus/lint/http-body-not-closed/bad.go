// Package httpbodynotclosed holds labelled cases for the http-body-not-closed rule.
package httpbodynotclosed

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Status check returns before the deferred close is registered.
func fetchJSON(url string, v any) error {
	resp, err := http.Get(url) // want "http-body-not-closed"
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// Body read but never closed: reading to EOF does not close it.
func readBody(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req) // want "http-body-not-closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

// Only the status code is wanted; the response is never closed.
func healthy(url string) bool {
	resp, err := http.Head(url) // want "http-body-not-closed"
	return err == nil && resp.StatusCode == http.StatusOK
}

// The response is thrown away.
func fireAndForget(url string) error {
	_, err := http.Post(url, "text/plain", nil) // want "http-body-not-closed"
	return err
}

// Closed in the loop only on success; the retry path leaks.
func retryGet(client *http.Client, url string) (*http.Response, error) {
	for i := 0; i < 3; i++ {
		resp, err := client.Get(url) // want "http-body-not-closed"
		if err != nil {
			continue
		}
		if resp.StatusCode >= 500 {
			continue
		}
		return resp, nil
	}
	return nil, fmt.Errorf("GET %s: giving up", url)
}

// Decode error returns early; close only on the happy path.
func postJSON(url string, body io.Reader, v any) error {
	resp, err := http.DefaultClient.Post(url, "application/json", body) // want "http-body-not-closed"
	if err != nil {
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return err
	}
	return resp.Body.Close()
}

// Close only in one branch of a switch.
func classify(url string) (string, error) {
	resp, err := http.Get(url) // want "http-body-not-closed"
	if err != nil {
		return "", err
	}
	switch {
	case resp.StatusCode < 300:
		resp.Body.Close()
		return "ok", nil
	case resp.StatusCode < 500:
		return "client error", nil
	}
	resp.Body.Close()
	return "server error", nil
}

// A RoundTripper used directly.
func roundTrip(rt http.RoundTripper, req *http.Request) (int, error) {
	resp, err := rt.RoundTrip(req) // want "http-body-not-closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
