package closureretains

import (
	"net/http"
	"os"
)

// staticPage serves the whole file: keeping it is the point, not a leak.
func staticPage(path string) (http.HandlerFunc, error) {
	page, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(page)
	}, nil
}
