// Package testlab connects tests and the demo to the local OpenStack lab (lab/up.sh) and seeds realistic
// source tenants there through the real API. It is test support: the provider and engine never import it.
package testlab
