//go:build !go1.27

// This service keeps the pre-Go 1.23 timer channels (see the package doc).
// Go 1.27 removed the setting, hence the build constraint.

//go:debug asynctimerchan=1

package main
