package asyncdispatch

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the dispatcher and the pool, for Prometheus. A nil *Metrics
// records nothing.
type Metrics struct {
	dispatch     *prometheus.CounterVec
	claimLatency prometheus.Histogram
	claimQuery   prometheus.Histogram
	duration     prometheus.Histogram
	live         prometheus.Gauge
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
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

func (m *Metrics) dispatched(o Outcome) {
	if m != nil {
		m.dispatch.WithLabelValues(string(o)).Inc()
	}
}

func (m *Metrics) claimed(latency, query time.Duration) {
	if m != nil {
		m.claimLatency.Observe(latency.Seconds())
		m.claimQuery.Observe(query.Seconds())
	}
}

func (m *Metrics) finished(d time.Duration) {
	if m != nil {
		m.duration.Observe(d.Seconds())
	}
}

func (m *Metrics) liveWorkers(n int) {
	if m != nil {
		m.live.Set(float64(n))
	}
}
