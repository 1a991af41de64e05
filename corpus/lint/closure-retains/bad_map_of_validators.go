package closureretains

import (
	"bytes"
	"os"
)

var validators = map[string]func([]byte) bool{}

// loadMagic keeps the whole sample file in a validator that compares four
// bytes.
func loadMagic(kind, samplePath string) error {
	sample, err := os.ReadFile(samplePath)
	if err != nil || len(sample) < 4 {
		return err
	}
	validators[kind] = func(b []byte) bool { // want "closure-retains"
		return bytes.HasPrefix(b, sample[:4])
	}
	return nil
}
