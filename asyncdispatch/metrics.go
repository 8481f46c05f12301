package asyncdispatch

import "time"

// Metrics receives the measurements of the dispatcher and the pool. The
// serving command exports them to Prometheus; the package itself depends on
// no metrics library, so that a one-shot command linking it starts without
// one. New and NewPool given a nil interface record nothing.
type Metrics interface {
	// Dispatched counts a dispatch by its outcome.
	Dispatched(Outcome)
	// Claimed records a claim: the time from the job's creation to its
	// claim, and the claim query's duration.
	Claimed(latency, query time.Duration)
	// Finished records the duration of a job's run, on a worker or inline.
	Finished(time.Duration)
	// LiveWorkers records how many workers have a fresh heartbeat, as the
	// dispatcher last saw them.
	LiveWorkers(n int)
}

type noMetrics struct{}

func (noMetrics) Dispatched(Outcome)         {}
func (noMetrics) Claimed(_, _ time.Duration) {}
func (noMetrics) Finished(time.Duration)     {}
func (noMetrics) LiveWorkers(int)            {}

func orNoMetrics(m Metrics) Metrics {
	if m == nil {
		return noMetrics{}
	}
	return m
}
