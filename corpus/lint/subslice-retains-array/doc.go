// Package subsliceretains holds labelled cases for the subslice-retains-array
// rule: a sub-slice or sub-string shares its backing array, so storing a few
// bytes of a large buffer somewhere long-lived keeps the whole buffer alive.
package subsliceretains
