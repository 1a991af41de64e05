module leakscope.dev/bench/gen/goroutines

go 1.26
