// Package testlab connects tests and the demo to the local OpenStack lab (lab/up.sh) and seeds realistic
// source tenants there through the real API. It is test support: the provider and engine never import it.
//
// Generate draws a tenant from a seed (GenSpec), SeedGenerated builds it as a user would, and Shapes names
// what a spec draws. The differential test runs DifferentialSeeds, a small set of seeds that between them
// draw every shape the generator reaches (TestGenerateCovers), rather than many seeds that repeat the
// same shapes: the lab is small and shared, and a shape no seed draws is caught at once. Shapes added
// after the first generator are drawn from a second stream (drawMore), so that adding one does not change
// what the first stream gives a seed. PagedSpec is a tenant of more than one Neutron page of every kind,
// for the second cloud, whose Neutron pages at 7 objects.
package testlab
