package money

import "time"

// FormatDate renders a date the German way, "22.11.2026". It lives beside
// the amounts because documents, views and exports need both together.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02.01.2006")
}
