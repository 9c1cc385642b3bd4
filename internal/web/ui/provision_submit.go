package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/provision"
	"coopshop/internal/web"
)

// provisionSubmit is POST /sales/provisioning/:id/:line_no: the bulk
// form of one line of the board. The named units (empty: every unit not
// yet active) move to the chosen state, all or none; names, one per
// line, go to the units in their order. A refusal shows the board again
// with the typed values and every message of the domain.
func (h *Handler) provisionSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	no, err := web.ParamID(c, "line_no")
	if err != nil || no > 100000 {
		return fiber.ErrNotFound
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := provisionForm{Units: c.FormValue("units"), State: c.FormValue("state"), ActivatedOn: c.FormValue("activated_on"),
		Names: c.FormValue("names"), Reason: strings.TrimSpace(c.FormValue("reason"))}
	p := web.Principal(c)
	l, err := h.Provision.Line(c.UserContext(), *p, id, int(no))
	if err != nil {
		return err
	}
	in, msgs := provisionInputs(l, f)
	if len(msgs) > 0 {
		return h.provisionFailed(c, l, f, apperr.Fields(msgs[0]), msgs)
	}
	done, err := h.Provision.Update(c.UserContext(), *p, id, int(no), version, in)
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized || code == apperr.Forbidden {
			return err
		}
		var msgs []string
		for _, fe := range apperr.FieldsOf(err) {
			msgs = append(msgs, fe.Message)
		}
		return h.provisionFailed(c, l, f, err, msgs)
	}
	l = done
	counts := provisionRowOf(l).Counts
	parts := make([]string, 0, len(counts))
	for _, sc := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", sc.N, sc.Label))
	}
	h.Flash(c, fmt.Sprintf("%d Einheiten von Position %d der Bestellung %s gespeichert: %s.", len(in), l.LineNo, l.OrderNumber, strings.Join(parts, ", ")))
	return c.Redirect(fmt.Sprintf("/sales/provisioning#line-%d", l.ID), fiber.StatusSeeOther)
}

// provisionFailed shows the board again with the refused form.
func (h *Handler) provisionFailed(c *fiber.Ctx, l *provision.Line, f provisionForm, err error, msgs []string) error {
	c.Status(web.Status(apperr.CodeOf(err)))
	return h.renderBoard(c, l.ID, provisionRow{Form: f, Error: apperr.MessageOf(err), Errors: msgs})
}

// provisionInputs turns the form into the domain's inputs; msgs are what
// the form itself gets wrong (unit ranges, names that do not match them,
// a date that is none).
func provisionInputs(l *provision.Line, f provisionForm) (in []provision.UnitInput, msgs []string) {
	var nos []int
	if strings.TrimSpace(f.Units) == "" {
		for _, u := range l.Open() {
			nos = append(nos, u.UnitNo)
		}
		if len(nos) == 0 {
			return nil, []string{"Alle Einheiten dieser Position sind schon aktiv; bitte nennen Sie die Einheiten."}
		}
	} else {
		var msg string
		if nos, msg = unitRanges(f.Units, l.UnitCount); msg != "" {
			return nil, []string{"Einheiten: " + msg}
		}
	}
	st := provision.UnitState(f.State)
	var on calendar.Date
	if st == provision.Active && strings.TrimSpace(f.ActivatedOn) != "" {
		d, err := calendar.Parse(strings.TrimSpace(f.ActivatedOn))
		if err != nil {
			return nil, []string{"Aktivierungsdatum: Kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT)."}
		}
		on = d
	}
	var names []string
	for _, n := range strings.Split(f.Names, "\n") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) > 0 && len(names) != len(nos) {
		return nil, []string{fmt.Sprintf("Namen: %d Namen für %d Einheiten – bitte einen Namen je Einheit, in der Reihenfolge der Einheiten.", len(names), len(nos))}
	}
	reason := ""
	if st == provision.Failed {
		reason = f.Reason
	}
	for i, no := range nos {
		u := provision.UnitInput{UnitNo: no, State: st, ActivatedOn: on, Reason: reason}
		if len(names) > 0 {
			u.Name = names[i]
		}
		if u.ActivatedOn.IsZero() || st != provision.Active {
			u.ActivatedOn = calendar.Date{}
		} else if cur := l.Unit(no); cur != nil && cur.State == provision.Active {
			u.ActivatedOn = cur.ActivatedOn // an active unit keeps its date
		}
		in = append(in, u)
	}
	return in, nil
}
