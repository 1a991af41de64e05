module leakscope.dev/lintcases/timerinloop/godebugline

go 1.26

godebug asynctimerchan=1
