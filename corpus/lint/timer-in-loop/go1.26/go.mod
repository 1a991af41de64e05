module leakscope.dev/lintcases/timerinloop/go126

go 1.26
