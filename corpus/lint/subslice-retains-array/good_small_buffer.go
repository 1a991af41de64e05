package subsliceretains

import "io"

type session struct {
	tag []byte
}

// readTag sub-slices a 16-byte buffer: there is nothing large to retain.
func (s *session) readTag(r io.Reader) error {
	buf := make([]byte, 16)
	n, err := io.ReadFull(r, buf)
	if err != nil {
		return err
	}
	s.tag = buf[:n]
	return nil
}
