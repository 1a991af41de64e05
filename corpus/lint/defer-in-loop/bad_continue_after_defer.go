package deferinloop

import (
	"bufio"
	"os"
	"strings"
)

// firstMatch returns as soon as a file contains needle, but a file without it
// continues the loop with its Close still pending.
func firstMatch(paths []string, needle string) (string, error) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		defer f.Close() // want "defer-in-loop"
		sc := bufio.NewScanner(f)
		found := false
		for sc.Scan() {
			if strings.Contains(sc.Text(), needle) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		return p, nil
	}
	return "", nil
}
