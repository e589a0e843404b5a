// Package apiproxy puts a reverse proxy on loopback in front of every endpoint of one or more OpenStack
// clouds (Keystone and each service of the catalog) and writes a clouds.yaml that points at it. Clients
// given that file cannot bypass it. It counts every call (the benchmark measures with it), can add a
// round-trip delay (a WAN), and injects faults by schedule or at random from a seed (the fault tests):
// an endpoint that goes down for a while (its connections closed, new ones refused, then back on the same
// address), resets, requests that hang until the client's timeout (committed by the server or not),
// answers lost after the server committed the request, requests cut off by a proxy timeout while the
// server goes on and commits them later (their fixed IPs held meanwhile, as Neutron holds them), error
// statuses with or without Retry-After, slow answers.
package apiproxy
