// Package filenotclosed holds labelled cases for the file-not-closed rule.
package filenotclosed

import (
	"errors"
	"io"
	"net"
	"os"
)

var errEmpty = errors.New("empty")

// Early return between open and close.
func sizeOrError(path string) (int64, error) {
	f, err := os.Open(path) // want "file-not-closed"
	if err != nil {
		return 0, err
	}
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if info.Size() == 0 {
		return 0, errEmpty
	}
	defer f.Close()
	return info.Size(), nil
}

// Never closed at all.
func readAll(path string) ([]byte, error) {
	f, err := os.Open(path) // want "file-not-closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// Closed on only one branch.
func appendLine(path, line string, sync bool) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644) // want "file-not-closed"
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		return err
	}
	if sync {
		return f.Close()
	}
	return nil
}

// Opened in a loop and only closed after the loop (only the last one is).
func firstLines(paths []string) (int, error) {
	total := 0
	for _, p := range paths {
		f, err := os.Open(p) // want "file-not-closed"
		if err != nil {
			continue
		}
		buf := make([]byte, 64)
		n, _ := f.Read(buf)
		total += n
	}
	return total, nil
}

// The result is dropped on the floor.
func touch(path string) {
	os.Create(path) // want "file-not-closed"
}

// A connection leaked when the write fails.
func ping(addr string) error {
	conn, err := net.Dial("tcp", addr) // want "file-not-closed"
	if err != nil {
		return err
	}
	if _, err := conn.Write([]byte("ping\n")); err != nil {
		return err
	}
	return conn.Close()
}

// A listener opened to find a free port and never closed.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // want "file-not-closed"
	if err != nil {
		return 0, err
	}
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Accepted connections neither handed off nor closed.
func acceptOne(ln net.Listener) ([]byte, error) {
	c, err := ln.Accept() // want "file-not-closed"
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 16)
	n, err := c.Read(buf)
	return buf[:n], err
}
