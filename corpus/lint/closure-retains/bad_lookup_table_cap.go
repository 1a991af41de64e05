package closureretains

// newCapacityReporter keeps a million-entry table to report its capacity.
func newCapacityReporter() func() int {
	weights := make([]float64, 1<<20)
	for i := range weights {
		weights[i] = float64(i)
	}
	total := 0.0
	for _, w := range weights {
		total += w
	}
	_ = total
	return func() int { return cap(weights) } // want "closure-retains"
}
