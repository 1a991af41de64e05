package poolofresources

import (
	"os"
	"sync"
)

type segmentWriter struct {
	dir   string
	files *sync.Pool
}

// newSegmentWriter pools open segment files in a struct field.
func newSegmentWriter(dir string) *segmentWriter {
	w := &segmentWriter{dir: dir}
	w.files = &sync.Pool{New: func() any { // want "pool-of-resources"
		f, err := os.OpenFile(dir+"/segment", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil
		}
		return f
	}}
	return w
}

func (w *segmentWriter) append(p []byte) error {
	f, ok := w.files.Get().(*os.File)
	if !ok {
		return os.ErrInvalid
	}
	defer w.files.Put(f)
	_, err := f.Write(p)
	return err
}
