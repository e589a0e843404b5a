package openstack

import (
	"encoding/json"
	"fmt"
)

// envelope is an OpenStack JSON body: one top-level key wrapping the object or list.
type envelope map[string]json.RawMessage

func (e envelope) decode(key string, into any) error {
	raw, ok := e[key]
	if !ok {
		return fmt.Errorf("response has no %q", key)
	}
	return json.Unmarshal(raw, into)
}

// nextLink returns the rel=next link of a Neutron page, or "".
func (e envelope) nextLink(key string) string {
	var links []struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	}
	if raw, ok := e[key]; ok && json.Unmarshal(raw, &links) == nil {
		for _, l := range links {
			if l.Rel == "next" {
				return l.Href
			}
		}
	}
	return ""
}
