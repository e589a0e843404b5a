// Package transport holds what the project's HTTP clients (the OpenStack session, the Waldur client and
// the benchmark's proxy) share about the transport they build on.
package transport

import (
	"net"
	"net/http"
	"time"
)

// CloneDefault returns a copy of http.DefaultTransport to configure. Should a program have replaced
// http.DefaultTransport with another RoundTripper, it returns a new transport with Go's default settings
// instead (proxy from the environment, HTTP/2, the standard timeouts and idle pool), rather than panic.
func CloneDefault() *http.Transport {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}
