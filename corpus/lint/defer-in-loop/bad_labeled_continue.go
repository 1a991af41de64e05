package deferinloop

import "os"

// checkDirs continues the outer loop from the inner one after the defer.
func checkDirs(dirs [][]string) int {
	ok := 0
outer:
	for _, group := range dirs {
		for _, d := range group {
			f, err := os.Open(d)
			if err != nil {
				continue outer
			}
			defer f.Close() // want "defer-in-loop"
			ok++
			continue outer
		}
	}
	return ok
}
