package clock

import (
	"testing"
	"time"

	"coopshop/internal/calendar"
)

func TestManualToday(t *testing.T) {
	tests := []struct {
		name string
		day  string
		move func(m *Manual)
		want string
	}{
		{"at", "2028-01-01", func(*Manual) {}, "2028-01-01"},
		{"add days", "2026-12-31", func(m *Manual) { m.AddDays(1) }, "2027-01-01"},
		{"back", "2026-03-01", func(m *Manual) { m.AddDays(-1) }, "2026-02-28"},
		{"late evening UTC is next day in Berlin", "2026-06-30", func(m *Manual) {
			m.Set(time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC))
		}, "2026-07-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := At(calendar.MustParse(tt.day))
			tt.move(m)
			if got := Today(m).String(); got != tt.want {
				t.Fatalf("Today = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSystemIsUTC(t *testing.T) {
	if loc := System().Now().Location(); loc != time.UTC {
		t.Fatalf("System().Now() in %v, want UTC", loc)
	}
}
