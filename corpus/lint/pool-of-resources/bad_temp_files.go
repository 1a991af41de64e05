package poolofresources

import (
	"os"
	"sync"
)

// spoolFiles pools temporary files; the GC drops them without Close.
var spoolFiles = sync.Pool{ // want "pool-of-resources"
	New: func() any {
		f, err := os.CreateTemp("", "spool-*")
		if err != nil {
			return nil
		}
		return f
	},
}

func spool(data []byte) error {
	f, ok := spoolFiles.Get().(*os.File)
	if !ok {
		return os.ErrInvalid
	}
	defer spoolFiles.Put(f)
	_, err := f.Write(data)
	return err
}
