package main

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// TestMetricsCountTheSyncs reads /metrics as Prometheus would after a login
// whose inbox sync ran inline (no worker is running).
func TestMetricsCountTheSyncs(t *testing.T) {
	server := testenv.IMAP(t)
	user := server.NewUser(t)
	seedReports(t, server, user, 2)
	app := startApp(t, server.Addr, mailaccess.SQLite)
	if _, resp := httpSession(t, app.URL, user, server.Password); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	status, body := get(t, http.DefaultClient, app.URL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d", status)
	}
	value := func(series string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("/metrics has no %s:\n%s", series, body)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatalf("%s: %v", series, err)
		}
		return v
	}
	if n := value(`mailaccess_dispatch_total{outcome="inline"}`); n < 1 {
		t.Errorf("inline dispatches: %v, want the login's inbox sync", n)
	}
	if n := value(`mailaccess_job_duration_seconds_count`); n < 1 {
		t.Errorf("finished jobs: %v, want the login's inbox sync", n)
	}
	value(`go_goroutines`) // the process's own metrics are there too
}
