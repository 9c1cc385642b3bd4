package provision

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/text"
	"coopshop/internal/workflow"
)

// MaxUnits bounds one bulk step (a cloud of 2 200 seats fits).
const MaxUnits = 5000

// maxFieldErrors bounds the field errors one refusal lists.
const maxFieldErrors = 50

// change is one unit's move as the audit entry records it.
type change struct {
	UnitNo      int           `json:"unit_no"`
	From        UnitState     `json:"from"`
	To          UnitState     `json:"to"`
	Name        string        `json:"name,omitempty"`
	ActivatedOn calendar.Date `json:"activated_on,omitzero"`
	Reason      string        `json:"reason,omitempty"`
}

// Update is sales' bulk step on the units of line lineNo of order
// orderID: every unit named in units moves as it says, all or none, in
// one transaction under the line's row lock and version (version 0: the
// current one; a stale one is a 409). Each move must be allowed (next),
// an active unit needs its activation date (not after today) and its
// name, a failed one its reason; a refusal is a 422 naming every unit and
// field at fault. One audit entry lists what changed. When the first unit
// of a seat line becomes active, the Activator starts the line's
// subscription from that unit's activation date, in the same transaction.
// Another member's order, and a line without provisioning, is a 404.
func (s *Service) Update(ctx context.Context, actor account.Principal, orderID int64, lineNo int, version int64, units []UnitInput) (*Line, error) {
	if err := checkInputs(units); err != nil {
		return nil, err
	}
	id, err := lineID(ctx, s.DB, orderID, lineNo)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, s.noLine(ctx, actor, orderID, lineNo)
	}
	today := s.today()
	var out *Line
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.flow.Step(ctx, tx, workflow.User(actor), id, version, StepUpdate,
			func(ctx context.Context, r *workflow.Run[*Line, Step, LineState]) (LineState, error) {
				return s.apply(ctx, r, units, today)
			})
		if err != nil {
			return err
		}
		out = r.Entity
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// noLine is the answer for a line without provisioning: 404 either way,
// but the actor who may see the order learns why.
func (s *Service) noLine(ctx context.Context, actor account.Principal, orderID int64, lineNo int) error {
	org, ok, err := orderOrg(ctx, s.DB, orderID)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	if err := s.visible(ctx, actor.Subject, orderID, org); err != nil {
		return err
	}
	return apperr.New(apperr.NotFound, "Position %d dieser Bestellung hat keine Einheiten zur Bereitstellung.", lineNo)
}

// checkInputs is what can be said about the request without the line:
// at least one unit, each named once, a known state, text within bounds.
func checkInputs(units []UnitInput) error {
	if len(units) == 0 {
		return apperr.Fields("Bitte nennen Sie mindestens eine Einheit.",
			apperr.FieldError{Field: "units", Message: "Keine Einheit angegeben."})
	}
	if len(units) > MaxUnits {
		return apperr.Fields(fmt.Sprintf("Höchstens %d Einheiten in einem Schritt.", MaxUnits),
			apperr.FieldError{Field: "units", Message: fmt.Sprintf("%d Einheiten; höchstens %d.", len(units), MaxUnits)})
	}
	var errs []apperr.FieldError
	seen := make(map[int]bool, len(units))
	for i, in := range units {
		f := func(name, format string, args ...any) {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("units[%d].%s", i, name), Message: unitPrefix(in.UnitNo) + fmt.Sprintf(format, args...)})
		}
		switch {
		case in.UnitNo < 1:
			f("unit_no", "Die Nummer der Einheit fehlt oder ist kleiner als 1.")
		case seen[in.UnitNo]:
			f("unit_no", "Die Einheit ist mehrfach genannt.")
		}
		seen[in.UnitNo] = true
		if !in.State.Valid() {
			f("state", "Unbekannter Status „%s“ (möglich: ordered, in_setup, active, failed).", in.State)
		}
		if msg := text.Check(in.Name, text.Name); msg != "" {
			f("name", "%s", msg)
		}
		if msg := text.Check(in.Reason, text.Comment); msg != "" {
			f("reason", "%s", msg)
		}
	}
	return fieldErrors(errs)
}

// apply is the step's own work: check every move against the units as
// locked, write the changed ones, name the line's new state, and start
// the subscription with the first activation.
func (s *Service) apply(ctx context.Context, r *workflow.Run[*Line, Step, LineState], units []UnitInput, today calendar.Date) (LineState, error) {
	l := r.Entity
	var errs []apperr.FieldError
	var changes []change
	var changed []*Unit
	for i, in := range units {
		f := func(name, format string, args ...any) {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("units[%d].%s", i, name), Message: unitPrefix(in.UnitNo) + fmt.Sprintf(format, args...)})
		}
		u := l.Unit(in.UnitNo)
		if u == nil {
			f("unit_no", "Diese Einheit gibt es in Position %d nicht (Einheiten 1 bis %d).", l.LineNo, l.UnitCount)
			continue
		}
		if !u.EndedOn.IsZero() && in.State != u.State {
			f("state", "Die Einheit endet am %s (weniger Plätze); ihr Status ändert sich nicht mehr.", u.EndedOn.German())
			continue
		}
		if !CanMove(u.State, in.State) {
			f("state", "Der Status „%s“ kann nicht auf „%s“ wechseln.", u.State.Label(), in.State.Label())
			continue
		}
		next := *u
		next.State = in.State
		if in.Name != "" {
			next.Name = strings.TrimSpace(in.Name)
		}
		switch in.State {
		case Active:
			switch {
			case u.State == Active && !in.ActivatedOn.IsZero() && in.ActivatedOn != u.ActivatedOn:
				f("activated_on", "Die Einheit ist seit %s aktiv; das Aktivierungsdatum lässt sich nicht mehr ändern.", u.ActivatedOn.German())
			case u.State != Active && in.ActivatedOn.IsZero():
				f("activated_on", "Für „aktiv“ fehlt das Aktivierungsdatum.")
			case in.ActivatedOn.After(today):
				f("activated_on", "Das Aktivierungsdatum %s liegt in der Zukunft.", in.ActivatedOn.German())
			case u.State != Active:
				next.ActivatedOn = in.ActivatedOn
			}
			if next.Name == "" {
				f("name", "Für „aktiv“ fehlt der Name des Zugangs bzw. Ordners.")
			}
		default:
			if !in.ActivatedOn.IsZero() {
				f("activated_on", "Ein Aktivierungsdatum gehört nur zum Status „aktiv“.")
			}
		}
		switch {
		case in.State == Failed && in.Reason == "" && u.State != Failed:
			f("reason", "Für „fehlgeschlagen“ fehlt der Grund.")
		case in.State == Failed && in.Reason != "":
			next.Reason = in.Reason
		case in.State != Failed && in.Reason != "":
			f("reason", "Ein Grund gehört nur zum Status „fehlgeschlagen“.")
		case in.State != Failed:
			next.Reason = ""
		}
		if next.State == u.State && next.Name == u.Name && next.Reason == u.Reason && next.ActivatedOn == u.ActivatedOn {
			continue
		}
		c := change{UnitNo: u.UnitNo, From: u.State, To: next.State}
		if next.Name != u.Name {
			c.Name = next.Name
		}
		if next.ActivatedOn != u.ActivatedOn {
			c.ActivatedOn = next.ActivatedOn
		}
		if next.Reason != u.Reason {
			c.Reason = next.Reason
		}
		changes = append(changes, c)
		next.UpdatedAt = r.Now
		*u = next
		changed = append(changed, u)
	}
	if err := fieldErrors(errs); err != nil {
		return "", err
	}
	if err := saveUnits(ctx, r.Tx, changed); err != nil {
		return "", fmt.Errorf("provisioning units of order %s line %d: %w", l.OrderNumber, l.LineNo, err)
	}
	to := l.stateNow()
	var first calendar.Date
	for _, u := range l.Units {
		if u.State != Active {
			continue
		}
		if first.IsZero() || u.ActivatedOn.Before(first) {
			first = u.ActivatedOn
		}
	}
	if l.ActivatedOn.IsZero() && !first.IsZero() {
		l.ActivatedOn = first
		r.Detail["activated_on"] = first
		if s.Activator != nil && l.Kind == catalog.KindSeat {
			if err := s.Activator.Activate(ctx, r.Tx, l.OrderID, l.LineNo, first); err != nil {
				return "", fmt.Errorf("start the subscription of order %s line %d: %w", l.OrderNumber, l.LineNo, err)
			}
			r.Detail["subscription_started"] = true
		}
	}
	r.Detail["order_id"] = l.OrderID
	r.Detail["order"] = l.OrderNumber
	r.Detail["line_no"] = l.LineNo
	r.Detail["changes"] = changes
	counts := map[UnitState]int{}
	for st, n := range l.Counts() {
		counts[st] = n
	}
	r.Detail["counts"] = counts
	return to, nil
}

// unitPrefix starts a message about unit no.
func unitPrefix(no int) string {
	if no < 1 {
		return ""
	}
	return fmt.Sprintf("Einheit %d: ", no)
}

// fieldErrors is the 422 listing errs (the first maxFieldErrors of them),
// nil for none.
func fieldErrors(errs []apperr.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	msg := errs[0].Message
	if len(errs) > 1 {
		msg = fmt.Sprintf("%d Angaben sind nicht möglich, zuerst: %s", len(errs), errs[0].Message)
	}
	if len(errs) > maxFieldErrors {
		errs = errs[:maxFieldErrors]
	}
	return apperr.Fields(msg, errs...)
}

// saveUnits writes the changed units with one UPDATE … FROM (VALUES …)
// per batch (bun's bulk update; SQLite ≥ 3.33 and PostgreSQL both have
// it), so that 200 accesses cost one statement instead of 200.
func saveUnits(ctx context.Context, tx bun.IDB, units []*Unit) error {
	for from := 0; from < len(units); from += unitBatch {
		part := units[from:min(len(units), from+unitBatch)]
		res, err := tx.NewUpdate().Model(&part).Column("state", "name", "activated_on", "reason", "updated_at").Bulk().Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != int64(len(part)) {
			return fmt.Errorf("%d of %d units written", n, len(part))
		}
	}
	return nil
}
