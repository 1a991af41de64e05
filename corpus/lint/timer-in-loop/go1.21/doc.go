// Package timers holds timer-in-loop cases for a module that asks for the
// pre-Go 1.23 timer semantics (go 1.21 in go.mod).
package timers
