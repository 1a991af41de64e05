// Package subscriptionnotremoved holds labelled cases for the
// subscription-not-removed rule: a callback, channel or listener registered
// on a long-lived publisher per request, and never removed, stays reachable
// (with everything it captures) for the life of the publisher.
package subscriptionnotremoved
