package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mailaccess/mailaccess/asyncdispatch"
)

// promMetrics exports the dispatcher's and the pool's measurements
// (asyncdispatch.Metrics) to Prometheus.
type promMetrics struct {
	dispatch     *prometheus.CounterVec
	claimLatency prometheus.Histogram
	claimQuery   prometheus.Histogram
	duration     prometheus.Histogram
	live         prometheus.Gauge
}

// newPromMetrics registers the metrics with reg.
func newPromMetrics(reg prometheus.Registerer) *promMetrics {
	m := &promMetrics{
		dispatch: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailaccess_dispatch_total", Help: "Dispatched jobs by outcome (queued for workers, run inline, already running).",
		}, []string{"outcome"}),
		claimLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mailaccess_job_claim_latency_seconds", Help: "Time from a job's creation to its claim by a worker.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}),
		claimQuery: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mailaccess_job_claim_query_seconds", Help: "Duration of the claim query.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mailaccess_job_duration_seconds", Help: "Duration of job runs (workers and inline).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 16),
		}),
		live: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mailaccess_live_workers", Help: "Workers with a fresh heartbeat, as last seen by the dispatcher.",
		}),
	}
	reg.MustRegister(m.dispatch, m.claimLatency, m.claimQuery, m.duration, m.live)
	return m
}

func (m *promMetrics) Dispatched(o asyncdispatch.Outcome) {
	m.dispatch.WithLabelValues(string(o)).Inc()
}

func (m *promMetrics) Claimed(latency, query time.Duration) {
	m.claimLatency.Observe(latency.Seconds())
	m.claimQuery.Observe(query.Seconds())
}

func (m *promMetrics) Finished(d time.Duration) { m.duration.Observe(d.Seconds()) }

func (m *promMetrics) LiveWorkers(n int) { m.live.Set(float64(n)) }
