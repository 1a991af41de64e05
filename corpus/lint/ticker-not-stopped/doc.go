// Package tickernotstopped holds labelled cases for the ticker-not-stopped
// rule: a time.Ticker that is not stopped on every path keeps firing (and,
// before Go 1.23, is never collected); time.Tick in a function that returns
// leaks its ticker on every call.
package tickernotstopped
