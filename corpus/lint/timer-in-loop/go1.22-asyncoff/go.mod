module leakscope.dev/lintcases/timerinloop/go122asyncoff

go 1.22

godebug asynctimerchan=0
