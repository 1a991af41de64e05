module leakscope.dev/tests/dumpfeatures

go 1.26
