module leakscope.dev/lintcases/timerinloop/godebugblock

go 1.26

godebug (
	default=go1.26
	asynctimerchan=1
)
