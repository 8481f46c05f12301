package web

import (
	"fmt"
	"html/template"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

var funcs = template.FuncMap{
	"shortDate": shortDate,
	"longDate":  func(t mailaccess.Time) string { return formatLong(t) },
	"size":      humanSize,
	"text":      renderText,
	"depth":     func(n int) int { return min(n, 5) }, // CSS classes depth-0 … depth-5
}

// shortDate shows a list date: the time today, the day this year, else the full date.
func shortDate(t mailaccess.Time) string {
	if t.IsZero() {
		return ""
	}
	now := time.Now()
	lt := t.Local()
	switch {
	case lt.Year() == now.Year() && lt.YearDay() == now.YearDay():
		return lt.Format("15:04")
	case lt.Year() == now.Year():
		return lt.Format("2 Jan")
	}
	return lt.Format("2 Jan 2006")
}

func formatLong(t mailaccess.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("Mon 2 Jan 2006 15:04")
}

func humanSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f kB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
