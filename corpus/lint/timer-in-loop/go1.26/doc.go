// Package timers holds the go1.21 loops again under go 1.26 semantics, where an
// unreferenced timer is collected before it fires: no finding.
package timers
