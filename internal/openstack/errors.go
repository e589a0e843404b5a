package openstack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
)

// APIError is an error answer of an OpenStack API, keeping the status, the request and the service's own
// message (Neutron's NeutronError, Keystone's error, Nova's and Cinder's badRequest/conflict bodies).
type APIError struct {
	Status  int
	Method  string
	URL     string
	Type    string
	Message string
}

func (e *APIError) Error() string {
	msg := e.Message
	if e.Type != "" {
		msg = e.Type + ": " + msg
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.URL, e.Status, msg)
}

// IsNotFound reports whether err is an API answer 404.
func IsNotFound(err error) bool { return StatusIs(err, http.StatusNotFound) }

// StatusIs reports whether err is an API answer with the given status.
func StatusIs(err error, status int) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status == status
	}
	return gophercloud.ResponseCodeIs(err, status)
}

// apiError turns gophercloud's unexpected-response error into an APIError; other errors pass unchanged.
func apiError(err error) error {
	var code gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &code) {
		return err
	}
	e := &APIError{Status: code.Actual, Method: code.Method, URL: code.URL, Message: string(code.Body)}
	var body map[string]json.RawMessage
	if json.Unmarshal(code.Body, &body) == nil {
		for _, v := range body {
			var inner struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			}
			if json.Unmarshal(v, &inner) == nil && inner.Message != "" {
				e.Type, e.Message = inner.Type, inner.Message
				break
			}
		}
	}
	return e
}
