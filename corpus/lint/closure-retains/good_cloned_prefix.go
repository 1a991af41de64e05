package closureretains

import (
	"bytes"
	"os"
)

var signatureChecks = map[string]func([]byte) bool{}

// loadSignature captures a four-byte clone, not the file.
func loadSignature(kind, path string) error {
	sample, err := os.ReadFile(path)
	if err != nil || len(sample) < 4 {
		return err
	}
	prefix := bytes.Clone(sample[:4])
	signatureChecks[kind] = func(b []byte) bool {
		return bytes.HasPrefix(b, prefix)
	}
	return nil
}
