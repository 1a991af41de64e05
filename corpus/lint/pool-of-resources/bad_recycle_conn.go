package poolofresources

import (
	"net"
	"sync"
)

var idleConns sync.Pool

// recycleConn hands a live connection to a sync.Pool, which may drop it at
// the next GC without closing it.
func recycleConn(c net.Conn) {
	idleConns.Put(c) // want "pool-of-resources"
}
