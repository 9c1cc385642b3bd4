package catalog

import (
	"context"
	"fmt"
	"strings"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
)

// The availability states of a product (issue 14): what a purchaser must
// know before ordering 250 notebooks that are needed within days.
const (
	AvailableInStock     = "in_stock"    // lieferbar
	AvailableLeadTime    = "lead_time"   // delivery time in working days
	AvailableOnRequest   = "on_request"  // ask first (auf Anfrage)
	AvailableUnavailable = "unavailable" // not before a date
)

// AvailabilityStates lists the states in the order forms offer them.
var AvailabilityStates = []string{AvailableInStock, AvailableLeadTime, AvailableOnRequest, AvailableUnavailable}

// Availability is whether and when a product can be delivered, as the
// catalog manager keeps it and the API shows it (`availability` of a
// product). LeadTimeDays belongs to lead_time, AvailableFrom to
// unavailable; both are null otherwise.
type Availability struct {
	State         string        `json:"state"`
	LeadTimeDays  *int64        `json:"lead_time_days"`
	AvailableFrom calendar.Date `json:"available_from"`
}

// Availability is the product's availability as one value.
func (p *Product) Availability() Availability {
	a := Availability{State: p.AvailabilityState, LeadTimeDays: p.LeadTimeDays, AvailableFrom: p.AvailableFrom}
	if a.State == "" {
		a.State = AvailableInStock
	}
	return a
}

// StateLabel is the German name of a state, for the form's choice.
func StateLabel(state string) string {
	switch state {
	case AvailableInStock:
		return "Lieferbar"
	case AvailableLeadTime:
		return "Lieferzeit in Arbeitstagen"
	case AvailableOnRequest:
		return "Auf Anfrage"
	case AvailableUnavailable:
		return "Nicht lieferbar bis zu einem Datum"
	}
	return state
}

// Label is the availability as the catalog, the cart and the order show
// it: "Lieferbar", "Lieferzeit ca. 10 Arbeitstage", "Auf Anfrage",
// "Nicht lieferbar bis 15.01.2027".
func (a Availability) Label() string {
	switch a.State {
	case AvailableLeadTime:
		if a.LeadTimeDays != nil {
			if *a.LeadTimeDays == 1 {
				return "Lieferzeit ca. 1 Arbeitstag"
			}
			return fmt.Sprintf("Lieferzeit ca. %d Arbeitstage", *a.LeadTimeDays)
		}
		return "Mit Lieferzeit"
	case AvailableOnRequest:
		return "Auf Anfrage"
	case AvailableUnavailable:
		if !a.AvailableFrom.IsZero() {
			return "Nicht lieferbar bis " + a.AvailableFrom.German()
		}
		return "Nicht lieferbar"
	}
	return "Lieferbar"
}

// Tone is the badge colour of the availability: ok, warn or bad.
func (a Availability) Tone() string {
	switch a.State {
	case AvailableLeadTime, AvailableOnRequest:
		return "warn"
	case AvailableUnavailable:
		return "bad"
	}
	return "ok"
}

// normalize drops what does not belong to the state (a lead time of a
// product in stock), so that a form that keeps hidden values stores none.
func (a *Availability) normalize() {
	a.State = strings.TrimSpace(a.State)
	if a.State == "" {
		a.State = AvailableInStock
	}
	if a.State != AvailableLeadTime {
		a.LeadTimeDays = nil
	}
	if a.State != AvailableUnavailable {
		a.AvailableFrom = calendar.Date{}
	}
}

// validate names what is wrong with the availability, in German.
func (a Availability) validate() []apperr.FieldError {
	var errs []apperr.FieldError
	add := func(field, msg string) { errs = append(errs, apperr.FieldError{Field: field, Message: msg}) }
	switch a.State {
	case "", AvailableInStock, AvailableOnRequest: // "": not stated, in stock
	case AvailableLeadTime:
		if a.LeadTimeDays == nil || *a.LeadTimeDays < 1 || *a.LeadTimeDays > 365 {
			add("availability.lead_time_days", "Bitte geben Sie die Lieferzeit in Arbeitstagen an (1 bis 365).")
		}
	case AvailableUnavailable:
		if a.AvailableFrom.IsZero() {
			add("availability.available_from", "Bitte geben Sie an, ab wann das Produkt wieder lieferbar ist (TT.MM.JJJJ).")
		}
	default:
		add("availability.state", "Unbekannte Verfügbarkeit; erlaubt sind in_stock, lead_time, on_request und unavailable.")
	}
	return errs
}

// Availabilities gives the current availability of each product (inactive
// ones included: an order shows its lines' products whatever became of
// them), for whoever may browse the catalog: the cart and the order page.
func (s *Service) Availabilities(ctx context.Context, actor account.Principal, ids []int64) (map[int64]Availability, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return nil, err
	}
	ps, err := ProductsByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Availability, len(ps))
	for id, p := range ps {
		out[id] = p.Availability()
	}
	return out, nil
}
