package calendar_test

import (
	"testing"

	"coopshop/internal/calendar"
)

// TestHolidaysSachsenAnhaltNiedersachsen: the public holidays of the two
// demo states differ (Heilige Drei Könige only in Sachsen-Anhalt), both
// keep the Reformationstag, and working days skip weekends and holidays.
func TestHolidaysSachsenAnhaltNiedersachsen(t *testing.T) {
	tests := []struct {
		day     string
		state   string
		holiday bool
		working bool
	}{
		{"2026-01-06", "ST", true, false},  // Heilige Drei Könige, Tuesday
		{"2026-01-06", "NI", false, true},  // not in Niedersachsen
		{"2026-10-31", "NI", true, false},  // Reformationstag (Saturday)
		{"2027-10-31", "ST", true, false},  // Reformationstag (Sunday)
		{"2026-04-03", "ST", true, false},  // Karfreitag
		{"2026-04-06", "NI", true, false},  // Ostermontag
		{"2026-05-14", "NI", true, false},  // Christi Himmelfahrt
		{"2026-05-25", "ST", true, false},  // Pfingstmontag
		{"2026-06-04", "ST", false, true},  // Fronleichnam is not one in Sachsen-Anhalt
		{"2026-11-18", "NI", false, true},  // Buß- und Bettag only in Sachsen
		{"2026-11-18", "SN", true, false},  // … there it is
		{"2026-12-25", "ST", true, false},  // Weihnachten
		{"2026-12-26", "NI", true, false},  // 2. Weihnachtstag (Saturday)
		{"2026-12-02", "ST", false, true},  // an ordinary Wednesday
		{"2026-12-05", "ST", false, false}, // Saturday
	}
	for _, tt := range tests {
		d := calendar.MustParse(tt.day)
		if got := calendar.Holiday(d, tt.state) != ""; got != tt.holiday {
			t.Errorf("%s in %s: holiday %v, want %v", tt.day, tt.state, got, tt.holiday)
		}
		if got := calendar.IsWorkingDay(d, tt.state); got != tt.working {
			t.Errorf("%s in %s: working day %v, want %v", tt.day, tt.state, got, tt.working)
		}
	}
	if calendar.BundeslandName("ST") != "Sachsen-Anhalt" || calendar.BundeslandName("NI") != "Niedersachsen" || !calendar.ValidBundesland("") || calendar.ValidBundesland("XX") {
		t.Error("state names")
	}
}

func TestWorkingDays(t *testing.T) {
	tests := []struct {
		from, to string
		state    string
		want     int
	}{
		{"2026-12-02", "2026-12-02", "ST", 0},
		{"2026-12-02", "2026-12-07", "ST", 3}, // Thu, Fri, (weekend), Mon
		{"2026-12-23", "2026-12-29", "NI", 3}, // Thu 24. (no public holiday), Mon 28., Tue 29.; 25./26. holidays
		{"2026-01-05", "2026-01-07", "ST", 1}, // Tue 6. is Heilige Drei Könige: only Wed 7.
		{"2026-01-05", "2026-01-07", "NI", 2}, // Tue and Wed
		{"2026-10-29", "2026-11-03", "NI", 3}, // Fri 30., Mon 2., Tue 3. (31. a Saturday anyway)
	}
	for _, tt := range tests {
		got := calendar.WorkingDaysBetween(calendar.MustParse(tt.from), calendar.MustParse(tt.to), tt.state)
		if got != tt.want {
			t.Errorf("%s..%s in %s: %d working days, want %d", tt.from, tt.to, tt.state, got, tt.want)
		}
	}
	// Three working days after the Tuesday before Easter 2026 in
	// Sachsen-Anhalt: Wed 1., Thu 2., (Good Friday, weekend, Easter
	// Monday), Tue 7. April.
	if got := calendar.AddWorkingDays(calendar.MustParse("2026-03-31"), 3, "ST"); got.String() != "2026-04-07" {
		t.Errorf("AddWorkingDays = %s, want 2026-04-07", got)
	}
}
