// Package calendar has the civil date (a day without time or zone) that
// contracts, validity periods, desired delivery and invoice dates use. It
// is stored as 'YYYY-MM-DD' text on every dialect, which sorts and compares
// correctly in SQL.
package calendar

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin without the system's zone database
)

// Date is a calendar day. The zero Date is "no date".
type Date struct {
	t time.Time // midnight UTC
}

// Berlin is the zone in which the shop's days begin and end, loaded once
// for the whole program. The zone database is embedded (time/tzdata), so
// it loads on a machine without one; should it still fail, the program
// stops at start rather than silently judging days in UTC.
var Berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("calendar: load time zone %s: %v", name, err))
	}
	return loc
}

// Of returns the day of t in Berlin.
func Of(t time.Time) Date {
	y, m, d := t.In(Berlin).Date()
	return New(y, m, d)
}

// Today is the current day in Berlin.
func Today() Date { return Of(time.Now()) }

// New builds a date.
func New(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// Parse reads ISO "2026-11-22" or German "22.11.2026".
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Date{t}, nil
		}
	}
	return Date{}, fmt.Errorf("calendar: %q is not a date (TT.MM.JJJJ)", s)
}

// MustParse is Parse for literals in tests and seeds.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports the zero date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is the ISO form, as stored.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}

// German is the form people read: "22.11.2026".
func (d Date) German() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("02.01.2006")
}

// Time is midnight UTC of the day, for PDFs and RFC 3339 output.
func (d Date) Time() time.Time { return d.t }

// AddDays moves by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddMonths moves by n months (rental terms).
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }

// Before, After and Compare order dates.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports d > o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// Value stores the date as ISO text; the zero date as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads ISO text (or a time from drivers that return one).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		y, m, dd := v.Date()
		*d = New(y, m, dd)
		return nil
	case []byte:
		return d.Scan(string(v))
	case string:
		if v == "" {
			*d = Date{}
			return nil
		}
		if len(v) > 10 {
			v = v[:10]
		}
		p, err := time.Parse("2006-01-02", v)
		if err != nil {
			return fmt.Errorf("calendar: scan %q: %w", v, err)
		}
		*d = Date{p}
		return nil
	}
	return fmt.Errorf("calendar: cannot scan %T", src)
}

// MarshalJSON writes "2026-11-22" (RFC 3339 full-date) or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "2026-11-22", a full RFC 3339 time, or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*d = Date{}
		return nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		*d = Of(t)
		return nil
	}
	p, err := Parse(s)
	if err != nil {
		// A type error, so that encoding/json adds the field's path and
		// callers can name the field (an impossible date is invalid input,
		// not a malformed body).
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Date]()}
	}
	*d = p
	return nil
}
