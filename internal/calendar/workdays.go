package calendar

import (
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"
)

// Bundesland is a German state by its ISO 3166-2:DE code ("ST" for
// Sachsen-Anhalt, "NI" for Niedersachsen): whose public holidays are no
// working days for a member's reminders and due dates. "" knows only the
// nationwide holidays.
type Bundesland struct {
	Code, Name string
}

// Bundeslaender lists the sixteen states in the order of their names,
// for forms.
var Bundeslaender = []Bundesland{
	{"BW", "Baden-Württemberg"}, {"BY", "Bayern"}, {"BE", "Berlin"}, {"BB", "Brandenburg"},
	{"HB", "Bremen"}, {"HH", "Hamburg"}, {"HE", "Hessen"}, {"MV", "Mecklenburg-Vorpommern"},
	{"NI", "Niedersachsen"}, {"NW", "Nordrhein-Westfalen"}, {"RP", "Rheinland-Pfalz"}, {"SL", "Saarland"},
	{"SN", "Sachsen"}, {"ST", "Sachsen-Anhalt"}, {"SH", "Schleswig-Holstein"}, {"TH", "Thüringen"},
}

// holidayLists are the public holidays per state, from
// github.com/rickar/cal/v2/de.
var holidayLists = map[string][]*cal.Holiday{
	"": de.Holidays, "BW": de.HolidaysBW, "BY": de.HolidaysBY, "BE": de.HolidaysBE, "BB": de.HolidaysBB,
	"HB": de.HolidaysHB, "HH": de.HolidaysHH, "HE": de.HolidaysHE, "MV": de.HolidaysMV,
	"NI": de.HolidaysNI, "NW": de.HolidaysNW, "RP": de.HolidaysRP, "SL": de.HolidaysSL,
	"SN": de.HolidaysSN, "ST": de.HolidaysST, "SH": de.HolidaysSH, "TH": de.HolidaysTH,
}

// ValidBundesland tells whether code names a state (or is "").
func ValidBundesland(code string) bool {
	_, ok := holidayLists[code]
	return ok
}

// BundeslandName is the German name of a state code ("" for none).
func BundeslandName(code string) string {
	for _, b := range Bundeslaender {
		if b.Code == code {
			return b.Name
		}
	}
	return ""
}

// holidays caches the holidays of one state and year: the package
// computes Easter and friends per call, and reminders ask per order.
var holidays = struct {
	sync.Mutex
	m map[string]map[Date]string
}{m: map[string]map[Date]string{}}

func holidaysOf(state string, year int) map[Date]string {
	key := state + "/" + time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
	holidays.Lock()
	defer holidays.Unlock()
	if m, ok := holidays.m[key]; ok {
		return m
	}
	m := map[Date]string{}
	for _, h := range holidayLists[state] {
		actual, _ := h.Calc(year)
		if !actual.IsZero() {
			m[New(actual.Date())] = h.Name
		}
	}
	holidays.m[key] = m
	return m
}

// Holiday names the public holiday on d in state, or "".
func Holiday(d Date, state string) string {
	return holidaysOf(state, d.t.Year())[d]
}

// IsWorkingDay tells whether d is a working day in state: Monday to
// Friday and not a public holiday there.
func IsWorkingDay(d Date, state string) bool {
	if wd := d.t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return Holiday(d, state) == ""
}

// AddWorkingDays is the n-th working day in state after d (n ≥ 0; 0 is d
// itself).
func AddWorkingDays(d Date, n int, state string) Date {
	for n > 0 {
		d = d.AddDays(1)
		if IsWorkingDay(d, state) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days in state after from up to
// and including to (0 when to is not after from): how long something has
// waited.
func WorkingDaysBetween(from, to Date, state string) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if IsWorkingDay(d, state) {
			n++
		}
	}
	return n
}
