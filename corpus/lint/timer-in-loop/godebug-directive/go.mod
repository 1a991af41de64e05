module leakscope.dev/lintcases/timerinloop/godebugdirective

go 1.26
