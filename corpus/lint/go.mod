// Labelled cases for `leakscope scan` (crates/lint/tests/labelled.rs): real,
// compiling Go with deliberate leaks marked `// want "rule-id"`. A module of its
// own so `go vet ./...` in corpus/ (which would flag the deliberate
// lostcancel/httpresponse cases) does not include them; scripts/test builds
// them with `go build ./...` here instead.
module leakscope.dev/corpus/lint

go 1.26
