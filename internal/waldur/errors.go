package waldur

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// APIError is a non-2xx answer from Waldur.
//
// Waldur (Django REST framework) answers a rejected request body with an object mapping each field to a
// list of messages, with messages that concern no single field under "non_field_errors", and with nested
// objects for nested inputs: {"mappings": {"subnets": [{}, {"dst_cidr": ["..."]}]}}. Fields holds that
// object flattened: keys joined with dots and list items by index ("mappings.subnets.1.dst_cidr"); a
// nested "non_field_errors" is reported under its parent's key ("mappings"). NonField holds the top-level
// non_field_errors (and the items of a bare list body); Detail the "detail" message of other errors
// (401, 403, 404, 409).
type APIError struct {
	Status   int
	Method   string
	URL      string
	Fields   map[string][]string
	NonField []string
	Detail   string
	// Body is the raw answer, cut to 4 KiB, for what the fields above do not capture.
	Body string
}

func newAPIError(method, u string, status int, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, URL: u}
	if len(body) > 4096 {
		e.Body = string(body[:4096])
	} else {
		e.Body = string(body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		// An HTML error page from Django or a proxy: nothing structured to keep.
		return e
	}
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			switch k {
			case "non_field_errors":
				e.NonField = append(e.NonField, messages(val)...)
			case "detail":
				if s, ok := val.(string); ok {
					e.Detail = s
					continue
				}
				e.addField(k, val)
			default:
				e.addField(k, val)
			}
		}
	case []any:
		e.NonField = messages(t)
	case string:
		e.Detail = t
	}
	return e
}

// addField flattens one field's errors into e.Fields under key.
func (e *APIError) addField(key string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if k == "non_field_errors" {
				e.addField(key, val)
				continue
			}
			e.addField(key+"."+k, val)
		}
	case []any:
		var msgs []string
		for i, item := range t {
			switch item.(type) {
			case map[string]any, []any:
				e.addField(key+"."+strconv.Itoa(i), item)
			default:
				msgs = append(msgs, fmt.Sprint(item))
			}
		}
		if len(msgs) > 0 {
			e.appendField(key, msgs...)
		}
	case nil:
	default:
		e.appendField(key, fmt.Sprint(t))
	}
}

func (e *APIError) appendField(key string, msgs ...string) {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	e.Fields[key] = append(e.Fields[key], msgs...)
}

// messages flattens a JSON value into its strings.
func messages(v any) []string {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, item := range t {
			out = append(out, messages(item)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			for _, m := range messages(t[k]) {
				out = append(out, k+": "+m)
			}
		}
		return out
	default:
		return []string{fmt.Sprint(t)}
	}
}

// Messages lists every message of the error, field messages prefixed with their key, sorted by key.
func (e *APIError) Messages() []string {
	var out []string
	if e.Detail != "" {
		out = append(out, e.Detail)
	}
	out = append(out, e.NonField...)
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, m := range e.Fields[k] {
			out = append(out, k+": "+m)
		}
	}
	return out
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "waldur: %s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	msgs := e.Messages()
	if len(msgs) == 0 && e.Body != "" && e.Status != http.StatusNotFound {
		msgs = []string{snippet([]byte(e.Body), 300)}
	}
	if len(msgs) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(msgs, "; "))
	}
	switch e.Status {
	case http.StatusUnauthorized:
		b.WriteString(" (check the API token: WALDUR_ACCESS_TOKEN or the provider's token)")
	case http.StatusForbidden:
		b.WriteString(" (the token's user lacks permission for this)")
	}
	return b.String()
}

// FieldMessages returns the messages for key and every key below it ("mappings" matches
// "mappings.subnets.0.dst_cidr").
func (e *APIError) FieldMessages(key string) []string {
	var out []string
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		if k == key || strings.HasPrefix(k, key+".") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, e.Fields[k]...)
	}
	return out
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae, true
	}
	return nil, false
}

// StatusCode is the HTTP status of the *APIError in err's chain, or 0.
func StatusCode(err error) int {
	if ae, ok := AsAPIError(err); ok {
		return ae.Status
	}
	return 0
}

// IsNotFound reports a 404: the object does not exist or the token's user cannot see it.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsUnauthorized reports a 401: no token, or a token Waldur does not accept.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports a 403.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsBadRequest reports a 400: Waldur rejected the input; see APIError.Fields and NonField.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// IsConflict reports a 409: the object is in a state that does not allow the operation.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// FieldErrors are validation problems found before sending a request, keyed like APIError.Fields.
type FieldErrors map[string][]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, m := range f[k] {
			parts = append(parts, k+": "+m)
		}
	}
	return "waldur: invalid request: " + strings.Join(parts, "; ")
}

func (f FieldErrors) add(key, msg string) { f[key] = append(f[key], msg) }

// MigrationErredError is a migration that ended in ERRED. Message is Waldur's error_message.
type MigrationErredError struct {
	UUID      string
	Message   string
	Traceback string
}

func (e *MigrationErredError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "no error message given"
	}
	return fmt.Sprintf("waldur: migration %s failed: %s", e.UUID, msg)
}

// OrderFailedError is a marketplace order that ended erred, rejected or canceled.
type OrderFailedError struct {
	UUID    string
	State   OrderState
	Message string
}

func (e *OrderFailedError) Error() string {
	s := fmt.Sprintf("waldur: order %s ended %s", e.UUID, e.State)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}
