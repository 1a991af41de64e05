package deferinloop

import (
	"log"
	"os"
)

// appendAll wraps the Close in a deferred func literal, which is still a
// defer registered once per iteration.
func appendAll(paths []string, line []byte) {
	for _, p := range paths {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			log.Print(err)
			continue
		}
		defer func() { // want "defer-in-loop"
			if err := f.Close(); err != nil {
				log.Print(err)
			}
		}()
		if _, err := f.Write(line); err != nil {
			log.Print(err)
		}
	}
}
