package filenotclosed

import (
	"bufio"
	"io"
	"net"
	"os"
)

// The classic: defer right after the error check.
func readConfig(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Returned to the caller, who owns it.
func openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Stored in a struct field, closed by the struct's Close.
type logger struct {
	out *os.File
	w   *bufio.Writer
}

func newLogger(path string) (*logger, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	l := &logger{}
	l.out = f
	l.w = bufio.NewWriter(f)
	return l, nil
}

func (l *logger) Close() error {
	if err := l.w.Flush(); err != nil {
		return err
	}
	return l.out.Close()
}

// Closed in a helper of the package.
func closeQuietly(c io.Closer) {
	_ = c.Close()
}

func firstByte(path string) (byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer closeQuietly(f)
	var b [1]byte
	_, err = f.Read(b[:])
	return b[0], err
}

// Closed on every branch of an if.
func writeOrRemove(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return os.Remove(path)
	}
	return f.Close()
}

// Each accepted connection is handed to its own goroutine.
func serve(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go handle(c)
	}
}

func handle(c net.Conn) {
	defer c.Close()
	_, _ = io.Copy(c, c)
}

// Closed inside a deferred closure that checks the error.
func copyFile(dst, src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// defer in a loop body that always returns in the same iteration.
func firstReadable(paths []string) ([]byte, error) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	return nil, os.ErrNotExist
}

// Closed in every iteration before the next one.
func countBytes(paths []string) (int64, error) {
	var total int64
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return total, err
		}
		n, err := io.Copy(io.Discard, f)
		f.Close()
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// Kept in a package-level registry that owns it.
var openConns []net.Conn

func dialAndKeep(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	openConns = append(openConns, c)
	return nil
}
