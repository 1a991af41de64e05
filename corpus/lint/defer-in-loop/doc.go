// Package deferinloop holds labelled cases for the defer-in-loop rule: a
// defer registered directly in a loop body runs only when the surrounding
// function returns, so every iteration's resource stays held until then.
package deferinloop
