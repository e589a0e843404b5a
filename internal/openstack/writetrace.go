package openstack

import "time"

// WriteTracer is told of every write the Neutron write gate let through, as its answer comes
// (Config.NetworkWriteTrace): a diagnostic of how the gate paced a run (the bench's -write-trace).
// Observe is called from the goroutine that sent the write, concurrently with other writes' calls.
//
// Connects share one authentication only if they pass the same *WriteTracer (or none): pass one value
// to the Configs of every cloud of a run.
type WriteTracer struct {
	Observe func(WriteEvent)
}

// WriteEvent is one gated write.
type WriteEvent struct {
	Endpoint  string        // the Neutron endpoint's host and path
	Class     string        // method, path with ids left out, body size in powers of two (see writeClass)
	Sent      time.Time     // when it was sent, after the gate let it through
	Latency   time.Duration // until its answer's headers, or its failure
	Status    int           // 0 when no answer came
	Failed    bool          // the connection was refused, reset or dropped
	Saturated bool          // every slot was taken when it was sent
	InFlight  int           // writes in flight when it was answered, itself included
	// Limit is the lane's limit of writes in flight after this write: fixed, or the adaptive gate's
	// (fractional: it grows by 1/limit); Congested says the adaptive gate took it as a sign of
	// congestion (it cut the limit, or a cut in the same round trip already had).
	Limit     float64
	Congested bool
}
