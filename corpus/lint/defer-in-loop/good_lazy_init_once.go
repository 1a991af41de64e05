package deferinloop

import "os"

// writeMarked opens its log lazily, the first time an item needs it: the
// block with the defer makes its own condition false, so it runs at most
// once per call (the pattern of cmd/compile's writebarrier pass).
func writeMarked(items []string, marked func(string) bool, path string) error {
	var log *os.File
	for _, it := range items {
		if !marked(it) {
			continue
		}
		if log == nil {
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			log = f
			defer log.Close()
		}
		if _, err := log.WriteString(it + "\n"); err != nil {
			return err
		}
	}
	return nil
}
