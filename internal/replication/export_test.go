package replication

// InFlightGrace lets the lab tests of package replication_test shorten leakedAddress's wait where no
// request can be in flight (a killed Neutron runs none).
var InFlightGrace = &inFlightGrace
