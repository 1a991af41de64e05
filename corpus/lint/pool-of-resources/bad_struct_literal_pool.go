package poolofresources

import (
	"os"
	"sync"
)

type uploader struct {
	tmp *sync.Pool
}

// newUploader pools open temporary files inside the uploader.
func newUploader(dir string) *uploader {
	return &uploader{tmp: &sync.Pool{New: func() any { // want "pool-of-resources"
		f, err := os.CreateTemp(dir, "upload-*")
		if err != nil {
			return nil
		}
		return f
	}}}
}

func (u *uploader) stage(p []byte) error {
	f, ok := u.tmp.Get().(*os.File)
	if !ok {
		return os.ErrInvalid
	}
	defer u.tmp.Put(f)
	_, err := f.Write(p)
	return err
}
