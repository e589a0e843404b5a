package waldur

import (
	"encoding/json"
	"strings"
)

// State is the state of a Waldur core object (a migration, a tenant, a network...), normalised.
//
// Waldur changed the labels in 2025: servers before say "Creation Scheduled", "Creating", "OK", "Erred";
// servers after say "CREATION_SCHEDULED", "CREATING", "OK", "ERRED". Both decode to the same State: the
// label upper-cased, spaces turned into underscores.
type State string

const (
	StateCreationScheduled State = "CREATION_SCHEDULED"
	StateCreating          State = "CREATING"
	StateUpdateScheduled   State = "UPDATE_SCHEDULED"
	StateUpdating          State = "UPDATING"
	StateDeletionScheduled State = "DELETION_SCHEDULED"
	StateDeleting          State = "DELETING"
	StateOK                State = "OK"
	StateErred             State = "ERRED"
)

// ParseState normalises a state label of either generation.
func ParseState(label string) State {
	s := strings.ToUpper(strings.TrimSpace(label))
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "_")
	return State(s)
}

// UnmarshalJSON accepts either generation of labels.
func (s *State) UnmarshalJSON(b []byte) error {
	*s = ParseState(jsonLabel(b))
	return nil
}

// jsonLabel returns the string the JSON value b holds, or "" when b is null or not a string: an object
// whose state Waldur does not give has no state, which is not an error. Every Parse*State maps "" to "".
func jsonLabel(b []byte) string {
	var label string
	if json.Unmarshal(b, &label) != nil {
		return ""
	}
	return label
}

// Terminal reports whether a state ends the work on an object (OK or ERRED).
func (s State) Terminal() bool { return s == StateOK || s == StateErred }

// ResourceState is the state of a marketplace resource: Creating, OK, Erred, Updating, Terminating,
// Terminated. Decoding normalises case, so "ERRED" and "erred" read as ResourceErred too.
type ResourceState string

const (
	ResourceCreating    ResourceState = "Creating"
	ResourceOK          ResourceState = "OK"
	ResourceErred       ResourceState = "Erred"
	ResourceUpdating    ResourceState = "Updating"
	ResourceTerminating ResourceState = "Terminating"
	ResourceTerminated  ResourceState = "Terminated"
)

var resourceStates = []ResourceState{ResourceCreating, ResourceOK, ResourceErred, ResourceUpdating, ResourceTerminating, ResourceTerminated}

// ParseResourceState normalises a marketplace resource state label.
func ParseResourceState(label string) ResourceState {
	label = strings.TrimSpace(label)
	for _, s := range resourceStates {
		if strings.EqualFold(label, string(s)) {
			return s
		}
	}
	return ResourceState(label)
}

// UnmarshalJSON normalises the label.
func (s *ResourceState) UnmarshalJSON(b []byte) error {
	*s = ParseResourceState(jsonLabel(b))
	return nil
}

// OrderState is the state of a marketplace order, lower-case with dashes ("pending-consumer",
// "executing", "done", "erred", "canceled", "rejected").
type OrderState string

const (
	OrderPendingConsumer  OrderState = "pending-consumer"
	OrderPendingProvider  OrderState = "pending-provider"
	OrderPendingProject   OrderState = "pending-project"
	OrderPendingStartDate OrderState = "pending-start-date"
	OrderExecuting        OrderState = "executing"
	OrderDone             OrderState = "done"
	OrderErred            OrderState = "erred"
	OrderCanceled         OrderState = "canceled"
	OrderRejected         OrderState = "rejected"
)

// ParseOrderState normalises an order state label ("Done", "pending consumer", "pending-consumer").
func ParseOrderState(label string) OrderState {
	s := strings.ToLower(strings.TrimSpace(label))
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "-")
	if s == "cancelled" {
		s = string(OrderCanceled)
	}
	return OrderState(s)
}

// UnmarshalJSON normalises the label.
func (s *OrderState) UnmarshalJSON(b []byte) error {
	*s = ParseOrderState(jsonLabel(b))
	return nil
}

// Terminal reports whether the order has finished, successfully or not.
func (s OrderState) Terminal() bool { return s == OrderDone || s.Failed() }

// Failed reports an order that finished without doing its work: erred, rejected or canceled.
func (s OrderState) Failed() bool {
	return s == OrderErred || s == OrderRejected || s == OrderCanceled
}
