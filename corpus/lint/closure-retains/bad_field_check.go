package closureretains

import "io"

type decoder struct {
	isCompressed func() bool
}

// sniff reads the whole stream and keeps it to look at its first byte.
func (d *decoder) sniff(r io.Reader) error {
	buf, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	d.isCompressed = func() bool { // want "closure-retains"
		return len(buf) > 0 && buf[0] == 0x1f
	}
	return nil
}
