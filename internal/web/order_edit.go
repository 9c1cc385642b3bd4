package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/order"
)

// orderEditForm is a returned order's edit form as typed.
type orderEditForm struct {
	CostCentre  string
	Address     string
	Reason      string
	DesiredDate string
	Quantity    map[int64]string
}

func editFormOf(o *order.Order) orderEditForm {
	f := orderEditForm{Address: o.DeliveryAddress, Reason: o.Reason, DesiredDate: o.DesiredDate.String(), Quantity: map[int64]string{}}
	f.CostCentre, _, _ = strings.Cut(o.CostCentre, " – ")
	for _, l := range o.Lines {
		f.Quantity[l.ProductID] = strconv.FormatInt(l.Quantity, 10)
	}
	return f
}

// orderEditPage is GET /orders/:id/edit, for a returned order's requester.
func (s *Server) orderEditPage(c *fiber.Ctx) error {
	o, err := s.loadOrder(c)
	if err != nil {
		return err
	}
	if !s.Orders.Allowed(*principal(c), o, order.StepEdit) {
		return apperr.New(apperr.Forbidden, "Diese Bestellung können Sie nicht bearbeiten: Nur zurückgegebene Bestellungen bearbeitet, wer sie angefordert hat.")
	}
	return s.renderOrderEdit(c, o, editFormOf(o), nil)
}

func (s *Server) renderOrderEdit(c *fiber.Ctx, o *order.Order, f orderEditForm, err error) error {
	st, serr := s.Members.Settings(c.UserContext(), *principal(c), o.OrgID)
	if serr != nil {
		return serr
	}
	data := fiber.Map{"Title": "Bestellung " + o.Number + " bearbeiten", "Order": o, "Form": f, "Settings": st, "Errors": map[string]string{}}
	if err != nil {
		c.Status(status[apperr.CodeOf(err)])
		data["Error"], data["Errors"] = apperr.MessageOf(err), fieldErrorMap(err)
	}
	return s.render(c, "order_edit", data)
}

// orderEditSubmit is POST /orders/:id/edit.
func (s *Server) orderEditSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	f := orderEditForm{CostCentre: c.FormValue("cost_centre"), Address: c.FormValue("delivery_address"), Reason: c.FormValue("reason"),
		DesiredDate: strings.TrimSpace(c.FormValue("desired_date")), Quantity: map[int64]string{}}
	in := order.EditInput{Input: order.Input{CostCentre: f.CostCentre, DeliveryAddress: f.Address, Reason: f.Reason}}
	ids, qtys := formValues(c, "product_id"), formValues(c, "quantity")
	if len(ids) != len(qtys) {
		return errMalformed{"Die Mengen passen nicht zu den Positionen."}
	}
	for i := range ids {
		pid, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return errMalformed{"Ungültige Position."}
		}
		f.Quantity[pid] = qtys[i]
		q, err := strconv.ParseInt(strings.TrimSpace(qtys[i]), 10, 64)
		if err != nil {
			q = -1
		}
		in.Lines = append(in.Lines, order.LineInput{ProductID: pid, Quantity: q})
	}
	var stepErr error
	if f.DesiredDate != "" {
		d, err := calendar.Parse(f.DesiredDate)
		if err != nil {
			stepErr = apperr.Fields("Bitte prüfen Sie die Angaben.", apperr.FieldError{Field: "desired_date", Message: "Bitte ein Datum als TT.MM.JJJJ angeben."})
		}
		in.DesiredDate = d
	}
	var o *order.Order
	if stepErr == nil {
		o, stepErr = s.Orders.Edit(c.UserContext(), *principal(c), id, version, in)
	}
	if stepErr != nil {
		code := apperr.CodeOf(stepErr)
		if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized {
			return stepErr
		}
		cur, err := s.Orders.Get(c.UserContext(), *principal(c), id)
		if err != nil {
			return err
		}
		return s.renderOrderEdit(c, cur, f, stepErr)
	}
	return s.stepDone(c, o, fmt.Sprintf("Die Änderungen an %s sind gespeichert. Reichen Sie die Bestellung erneut ein, wenn sie fertig ist.", o.Number))
}

// orderResubmitSubmit is POST /orders/:id/resubmit: a returned order goes
// into approval again.
func (s *Server) orderResubmitSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	o, err := s.Orders.Resubmit(c.UserContext(), *principal(c), id, version)
	if err != nil {
		return s.stepFailed(c, id, err, orderView{})
	}
	return s.stepDone(c, o, fmt.Sprintf("Die Bestellanforderung %s wurde erneut eingereicht.", o.Number))
}
