package closureretains

import (
	"io"
	"sync"
)

var (
	hooksMu sync.Mutex
	hooks   []func() string
)

// addBannerHook keeps the whole payload to print eight bytes of it.
func addBannerHook(r io.Reader) error {
	payload, err := io.ReadAll(r)
	if err != nil || len(payload) < 8 {
		return err
	}
	hooksMu.Lock()
	hooks = append(hooks, func() string { return string(payload[:8]) }) // want "closure-retains"
	hooksMu.Unlock()
	return nil
}
