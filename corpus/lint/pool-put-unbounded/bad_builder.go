package poolputunbounded

import (
	"strings"
	"sync"
)

var builders = sync.Pool{New: func() any { return new(strings.Builder) }}

// render builds a string of any length in a pooled builder.
func render(parts []string) string {
	sb := builders.Get().(*strings.Builder)
	sb.Reset()
	for _, p := range parts {
		sb.WriteString(p)
	}
	s := sb.String()
	builders.Put(sb) // want "pool-put-unbounded"
	return s
}
