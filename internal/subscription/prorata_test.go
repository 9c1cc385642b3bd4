package subscription_test

import (
	"testing"

	"coopshop/internal/calendar"
	"coopshop/internal/subscription"
)

func TestLineNetRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		name                                  string
		qty, monthly, disc, active, monthDays int64
		want                                  int64
	}{
		{"full month", 650, 2990, 0, 31, 31, 1943500},
		{"half a cent rounds up", 1, 45, 0, 1, 30, 2},        // 1,5 ct
		{"below half rounds down", 1, 44, 0, 1, 30, 1},       // 1,4666 ct
		{"rental from the 17th", 40, 3990, 0, 15, 31, 77226}, // 77.225,806 ct
		{"10 % discount", 10, 1000, 1000, 10, 30, 3000},
	}
	for _, c := range cases {
		if got := subscription.LineNet(c.qty, c.monthly, c.disc, c.active, c.monthDays); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestSegmentsSplitAtChanges(t *testing.T) {
	d := calendar.MustParse
	sub := &subscription.Subscription{ID: 1, Kind: subscription.KindSeat, Quantity: 700, StartDate: d("2026-01-01")}
	changes := []*subscription.Change{
		{ID: 1, EffectiveFrom: d("2026-01-01"), Quantity: 650},
		{ID: 2, EffectiveFrom: d("2026-12-10"), Quantity: 700},
	}
	dec := subscription.Month{Year: 2026, Month: 12}
	got := subscription.Segments(sub, changes, dec)
	want := []subscription.Segment{{From: d("2026-12-01"), To: d("2026-12-09"), Quantity: 650}, {From: d("2026-12-10"), To: d("2026-12-31"), Quantity: 700}}
	if len(got) != len(want) {
		t.Fatalf("segments %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].From.String() != want[i].From.String() || got[i].To.String() != want[i].To.String() || got[i].Quantity != want[i].Quantity {
			t.Errorf("segment %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// November: one full segment of 650; January 2027 after a cancel to 0 from the 21st: 1–20.
	if s := subscription.Segments(sub, changes, subscription.Month{Year: 2026, Month: 11}); len(s) != 1 || s[0].Quantity != 650 || s[0].To.String() != "2026-11-30" {
		t.Errorf("november: %+v", s)
	}
	cancelled := append(changes, &subscription.Change{ID: 3, EffectiveFrom: d("2027-01-21"), Quantity: 0})
	if s := subscription.Segments(sub, cancelled, subscription.Month{Year: 2027, Month: 1}); len(s) != 1 || s[0].To.String() != "2027-01-20" || s[0].Quantity != 700 {
		t.Errorf("january after cancel: %+v", s)
	}
	// Not started (pending) or ended before: nothing.
	if s := subscription.Segments(&subscription.Subscription{Quantity: 5}, nil, dec); len(s) != 0 {
		t.Errorf("pending: %+v", s)
	}
	ended := &subscription.Subscription{Quantity: 5, StartDate: d("2025-01-01"), EndDate: d("2026-11-30")}
	if s := subscription.Segments(ended, nil, dec); len(s) != 0 {
		t.Errorf("ended: %+v", s)
	}
}

func TestMonthAndWorkingDays(t *testing.T) {
	m, err := subscription.ParseMonth("2027-02")
	if err != nil || m.Days() != 28 || m.Last().String() != "2027-02-28" || m.String() != "2027-02" || m.German() != "Februar 2027" {
		t.Fatalf("month %v %v", m, err)
	}
	for _, bad := range []string{"", "2026-13", "2026-1", "12-2026", "2026-12-01"} {
		if _, err := subscription.ParseMonth(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	cases := map[string]string{
		"2027-01": "2027-01-04", // New Year on a Friday, then the weekend
		"2026-05": "2026-05-04", // 1 May a Friday
		"2027-02": "2027-02-01",
		"2026-08": "2026-08-03", // a Saturday first
		"2027-04": "2027-04-01",
		"2024-04": "2024-04-02", // Easter Monday on the 1st
	}
	for month, want := range cases {
		m, _ := subscription.ParseMonth(month)
		if got := subscription.FirstWorkingDay(m).String(); got != want {
			t.Errorf("%s: first working day %s, want %s", month, got, want)
		}
	}
}
