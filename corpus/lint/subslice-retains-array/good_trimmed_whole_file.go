package subsliceretains

import (
	"os"
	"strings"
)

type settings struct {
	template string
}

// load keeps the whole file minus surrounding blanks: trimming leaves
// (nearly) the whole buffer, so nothing large hides behind a small view.
func (s *settings) load(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s.template = strings.TrimSpace(string(b))
	return nil
}
