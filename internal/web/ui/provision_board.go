package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/provision"
	"coopshop/internal/web"
)

// provisionForm is the bulk form of one line on the board: which units
// (numbers and ranges, "1-50, 60"; empty: every unit not yet active), the
// state to set, the activation date, the names one per line (given to the
// units in their order) and the reason of a failure.
type provisionForm struct {
	Units       string
	State       string
	ActivatedOn string
	Names       string
	Reason      string
}

// provisionBoardPage is GET /sales/provisioning, sales' provisioning
// board: every line with units not yet active, by member and order, each
// with its bulk form.
func (h *Handler) provisionBoardPage(c *fiber.Ctx) error {
	return h.renderBoard(c, 0, provisionRow{})
}

// renderBoard shows the board; failed (when its line is set) is the row
// of a refused bulk step, shown with its typed values and errors.
func (h *Handler) renderBoard(c *fiber.Ctx, failedLine int64, failed provisionRow) error {
	lines, err := h.Provision.Board(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	var groups []*provisionGroup
	units := 0
	for _, l := range lines {
		if len(groups) == 0 || groups[len(groups)-1].MemberID != l.OrgID {
			groups = append(groups, &provisionGroup{MemberID: l.OrgID, MemberName: l.MemberName})
		}
		r := provisionRowOf(l)
		r.Form = provisionForm{State: string(provision.Active), ActivatedOn: h.Today().String()}
		if l.ID == failedLine {
			r.Form, r.Error, r.Errors = failed.Form, failed.Error, failed.Errors
		}
		units += len(l.Open())
		g := groups[len(groups)-1]
		g.Rows = append(g.Rows, r)
	}
	return h.Render(c, "provisioning", fiber.Map{"Title": "Bereitstellung", "Groups": groups, "Lines": len(lines), "OpenUnits": units,
		"States": []provision.UnitState{provision.InSetup, provision.Active, provision.Failed}})
}

// unitRanges reads "1-50, 60 70-72" into unit numbers in the order given;
// ok is false for anything else (a number outside 1..max included).
func unitRanges(s string, max int) (nos []int, msg string) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	for _, f := range fields {
		var from, to int
		if a, b, ok := strings.Cut(f, "-"); ok {
			if _, err := fmt.Sscanf(a+" "+b, "%d %d", &from, &to); err != nil || from > to {
				return nil, fmt.Sprintf("„%s“ ist kein Bereich wie 1-50.", f)
			}
		} else if _, err := fmt.Sscanf(f, "%d", &from); err != nil || fmt.Sprint(from) != f {
			return nil, fmt.Sprintf("„%s“ ist keine Nummer einer Einheit.", f)
		} else {
			to = from
		}
		if from < 1 || to > max {
			return nil, fmt.Sprintf("„%s“: Diese Position hat die Einheiten 1 bis %d.", f, max)
		}
		if to-from+len(nos) > provision.MaxUnits {
			return nil, fmt.Sprintf("Höchstens %d Einheiten in einem Schritt.", provision.MaxUnits)
		}
		for no := from; no <= to; no++ {
			nos = append(nos, no)
		}
	}
	return nos, ""
}
