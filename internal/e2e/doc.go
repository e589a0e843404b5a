// Package e2e holds end-to-end tests of the provider as a user runs it: the binary built from this
// repository, driven by the real Terraform CLI against the lab (not terraform-plugin-testing's
// in-process provider), looking at what a user sees, including Terraform's own logs.
package e2e
