package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// takeUpForm is the form „Angebot annehmen und bestellen“ of a sent
// project quotation as the purchaser typed it: the header of the order to
// come.
type takeUpForm struct {
	CostCentre     string
	AddressID      string // a saved address's id, or "new"
	Address        string
	BuyerReference string
	Errors         map[string]string
}

// quoteRequestSubmit is POST /quotes/{id}/request: a purchaser of the
// member takes a sent project quotation up with cost centre, delivery
// address and Bestellzeichen and becomes its requester; the member's
// approval then accepts it. Errors keep what was typed.
func (h *Handler) quoteRequestSubmit(c *fiber.Ctx) error {
	q, err := h.loadQuote(c)
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := &takeUpForm{CostCentre: strings.TrimSpace(c.FormValue("cost_centre")), AddressID: c.FormValue("delivery_address_id"),
		Address: c.FormValue("delivery_address"), BuyerReference: c.FormValue("buyer_reference"), Errors: map[string]string{}}
	in := order.Input{CostCentre: f.CostCentre, DeliveryAddress: f.Address, BuyerReference: f.BuyerReference}
	if f.AddressID != "new" && f.AddressID != "" {
		if in.DeliveryAddressID, err = strconv.ParseInt(f.AddressID, 10, 64); err != nil {
			f.Errors["delivery_address"] = "Bitte eine Lieferadresse wählen."
		}
	}
	if len(f.Errors) == 0 {
		done, err := h.Quotes.Request(c.UserContext(), *web.Principal(c), q.ID, version, in)
		if err == nil {
			h.Flash(c, "Sie haben das Projektangebot "+done.DisplayNumber()+" übernommen. Es liegt nun der Genehmigung Ihres Hauses zur Annahme vor; mit der Annahme ist die Bestellung bestätigt.")
			return c.Redirect("/quotes/"+strconv.FormatInt(done.ID, 10), fiber.StatusSeeOther)
		}
		code := apperr.CodeOf(err)
		if code != apperr.Invalid && code != apperr.Conflict && code != apperr.Forbidden {
			return err
		}
		c.Status(web.Status(code))
		for _, fe := range apperr.FieldsOf(err) {
			f.Errors[fe.Field] = fe.Message
		}
		if fresh, gerr := h.Quotes.Get(c.UserContext(), *web.Principal(c), q.ID); gerr == nil {
			q = fresh
		}
		return h.renderQuote(c, q, quoteView{Error: apperr.MessageOf(err), TakeUp: f})
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderQuote(c, q, quoteView{Error: "Bitte prüfen Sie die markierten Angaben.", TakeUp: f})
}
