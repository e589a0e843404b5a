package apiproxy

import (
	"fmt"
	"sort"
	"strings"
)

// Calls counts API calls by key "<service>[<region>] <METHOD> <path>" (see CallKey).
type Calls map[string]int

// Total is the number of calls.
func (c Calls) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

func methodOf(key string) string {
	parts := strings.SplitN(key, " ", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// Writes counts the calls that change something (POST, PUT, PATCH, DELETE), token requests excluded.
func (c Calls) Writes() int {
	n := 0
	for k, v := range c {
		switch methodOf(k) {
		case "POST", "PUT", "PATCH", "DELETE":
			if !isTokenCall(k) {
				n += v
			}
		}
	}
	return n
}

// Tokens counts the authentication calls.
func (c Calls) Tokens() int {
	n := 0
	for k, v := range c {
		if isTokenCall(k) {
			n += v
		}
	}
	return n
}

// Reads counts the GET and HEAD calls.
func (c Calls) Reads() int {
	n := 0
	for k, v := range c {
		if m := methodOf(k); m == "GET" || m == "HEAD" {
			n += v
		}
	}
	return n
}

func isTokenCall(key string) bool {
	return strings.HasPrefix(key, "identity ") && strings.HasSuffix(key, "/auth/tokens") && methodOf(key) == "POST"
}

// Kinds folds the calls into kinds for the report: the service without region, the method and the path
// with its version prefix dropped ("network POST /ports", "network PUT /routers/{id}/add_router_interface").
func (c Calls) Kinds() Calls {
	out := Calls{}
	for k, v := range c {
		out[KindOf(k)] += v
	}
	return out
}

// KindOf is the kind of a call key: its service without region, method and path without version prefix.
func KindOf(key string) string {
	parts := strings.SplitN(key, " ", 3)
	if len(parts) < 3 {
		return key
	}
	service, _, _ := strings.Cut(parts[0], "[")
	path := parts[2]
	// Drop the API version and, for Cinder and old Nova, the project id that precedes the collection.
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 0 && (strings.HasPrefix(segs[0], "v") && len(segs[0]) <= 4) {
		segs = segs[1:]
	}
	if service == "volume" && len(segs) > 0 && segs[0] == "{id}" {
		segs = segs[1:]
	}
	return service + " " + parts[1] + " /" + strings.Join(segs, "/")
}

// Add adds other's counts into c.
func (c Calls) Add(other Calls) {
	for k, v := range other {
		c[k] += v
	}
}

// Table renders the calls sorted by count, then key.
func (c Calls) Table(indent string) string {
	keys := sortedKeys(c)
	sort.SliceStable(keys, func(i, j int) bool { return c[keys[i]] > c[keys[j]] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s%5d  %s\n", indent, c[k], k)
	}
	return b.String()
}
