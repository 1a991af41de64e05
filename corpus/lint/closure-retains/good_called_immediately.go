package closureretains

import "io"

// checksum's closure runs before the function returns and is then dropped.
func checksum(r io.Reader) (byte, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	sum := func() byte {
		var s byte
		for i := 0; i < len(data); i++ {
			s ^= data[i]
		}
		return s
	}()
	return sum, nil
}
