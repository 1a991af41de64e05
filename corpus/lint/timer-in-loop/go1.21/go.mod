module leakscope.dev/lintcases/timerinloop/go121

go 1.21
