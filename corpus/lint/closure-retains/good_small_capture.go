package closureretains

// makeCounter captures a small buffer only.
func makeCounter() func() int {
	counts := make([]int, 8)
	return func() int {
		counts[0]++
		return counts[0]
	}
}
