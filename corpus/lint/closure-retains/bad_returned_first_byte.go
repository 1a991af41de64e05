package closureretains

// makeVersionCheck needs one byte of the table but captures all of it.
func makeVersionCheck() func() int {
	table := make([]byte, 10<<20)
	table[0] = 42
	return func() int { // want "closure-retains"
		return int(table[0])
	}
}
