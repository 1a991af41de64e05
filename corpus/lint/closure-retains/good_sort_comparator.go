package closureretains

import (
	"os"
	"sort"
)

// sortedOffsets passes a comparator that indexes the file to sort.Slice,
// which does not keep it.
func sortedOffsets(path string, offsets []int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sort.Slice(offsets, func(i, j int) bool {
		return data[offsets[i]] < data[offsets[j]]
	})
	return nil
}
