module leakscope.dev/bench/gen/heapstacks

go 1.26
