package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/calendar"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderInputJSON is the body of POST /api/v1/orders and PATCH.
type orderInputJSON struct {
	CostCentre        string        `json:"cost_centre"`
	DeliveryAddress   string        `json:"delivery_address"`
	DeliveryAddressID int64         `json:"delivery_address_id"`
	Reason            string        `json:"reason"`
	BuyerReference    string        `json:"buyer_reference"`
	DesiredDate       calendar.Date `json:"desired_date"`
}

// orderSubmitJSON is the body of POST /api/v1/orders: the header and
// whether the request is urgent (Eilbestellung, issue 14), with the
// reason that is required then. Urgency is decided at submission.
// Its fields are spelled out (not embedded), so that a decoding error
// names the field as the client wrote it ("desired_date").
type orderSubmitJSON struct {
	CostCentre        string        `json:"cost_centre"`
	DeliveryAddress   string        `json:"delivery_address"`
	DeliveryAddressID int64         `json:"delivery_address_id"`
	Reason            string        `json:"reason"`
	BuyerReference    string        `json:"buyer_reference"`
	DesiredDate       calendar.Date `json:"desired_date"`
	Urgent            bool          `json:"urgent"`
	UrgentReason      string        `json:"urgent_reason"`
}

func (in orderInputJSON) input() order.Input {
	return order.Input{CostCentre: in.CostCentre, DeliveryAddress: in.DeliveryAddress, DeliveryAddressID: in.DeliveryAddressID,
		Reason: in.Reason, BuyerReference: in.BuyerReference, DesiredDate: in.DesiredDate}
}

// apiOrderSubmit is POST /api/v1/orders: the caller's cart becomes an
// order request (201). The Idempotency-Key header makes a repetition with
// the same body answer the same order (201 again, with
// Idempotent-Replayed: true); another body under the key is a 422.
func (h *Handler) apiOrderSubmit(c *fiber.Ctx) error {
	var in orderSubmitJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	oi := orderInputJSON{CostCentre: in.CostCentre, DeliveryAddress: in.DeliveryAddress, DeliveryAddressID: in.DeliveryAddressID,
		Reason: in.Reason, BuyerReference: in.BuyerReference, DesiredDate: in.DesiredDate}.input()
	oi.Urgent, oi.UrgentReason = in.Urgent, in.UrgentReason
	var err error
	if oi.Idempotency, err = web.IdempotencyOf(c); err != nil {
		return err
	}
	p := web.Principal(c)
	o, replay, err := h.Orders.Submit(c.UserContext(), *p, oi)
	if err != nil {
		return err
	}
	if replay {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderLocation, "/api/v1/orders/"+strconv.FormatInt(o.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(h.orderOf(c.UserContext(), p, o, true))
}

// apiOrders is GET /api/v1/orders?state=&limit=&cursor=: newest first;
// members see their own member's orders, the provider all.
func (h *Handler) apiOrders(c *fiber.Ctx) error {
	lq := web.NewListQuery(c)
	f := order.Filter{Limit: lq.Limit(50, 200), BeforeID: lq.ID("cursor"), States: web.States(lq, "state", order.States)}
	if err := lq.Err(); err != nil {
		return err
	}
	p := web.Principal(c)
	orders, err := h.Orders.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	out := List[orderJSON]{Items: []orderJSON{}}
	quotes := LatestQuoteIDs(c.UserContext(), &h.Deps, p, orders...)
	for _, o := range orders {
		out.Items = append(out.Items, h.orderWithQuote(c.UserContext(), p, o, false, quotes))
	}
	if len(orders) == f.Limit {
		cur := strconv.FormatInt(orders[len(orders)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// apiOrder is GET /api/v1/orders/{id}; another member's order is a 404.
func (h *Handler) apiOrder(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	o, err := h.Orders.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	return c.JSON(h.orderOf(c.UserContext(), p, o, true))
}

// stepBody is the body of the step endpoints: {"version","comment"}.
type stepBody struct {
	web.Versioned
	Comment string `json:"comment"`
}

// apiOrderStep runs one step endpoint: POST /api/v1/orders/{id}/<step>.
func (h *Handler) apiOrderStep(st order.Step) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.ParamID(c, "id")
		if err != nil {
			return err
		}
		var b stepBody
		version, err := web.DecodeChange(c, &b)
		if err != nil {
			return err
		}
		o, err := h.OrderStep(c, st, id, version, b.Comment)
		if err != nil {
			return err
		}
		p := web.Principal(c)
		return c.JSON(h.orderOf(c.UserContext(), p, o, true))
	}
}

// apiOrderQuote is POST /api/v1/orders/{id}/quotes: sales opens a
// quotation for an approved order with lines that need one; 201 with the
// created quotation (its draft v1), as API.md says. The body {"version"}
// names the order's version.
func (h *Handler) apiOrderQuote(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var b stepBody
	version, err := web.DecodeChange(c, &b)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	q, err := h.Sales.OpenQuote(c.UserContext(), *p, id, version)
	if err != nil {
		return err
	}
	c.Location("/api/v1/quotes/" + strconv.FormatInt(q.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(h.quoteOf(p, q, true))
}

// apiOrderDeliver is POST /api/v1/orders/{id}/deliveries
// {"version", "lines":[{"line_no"|"product_id","quantity","serials"}],
// "note"}: a (partial) delivery of the order's version seen; 201 with the
// delivery {"id","delivered_on","lines"}. A free line (no product) is
// named by its line_no.
func (h *Handler) apiOrderDeliver(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		order.DeliveryInput
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	o, err := h.Orders.Deliver(c.UserContext(), *p, id, version, in.DeliveryInput)
	if err != nil {
		return err
	}
	// Deliver appends the delivery it recorded to the order it returns.
	d := o.Deliveries[len(o.Deliveries)-1]
	c.Set(fiber.HeaderLocation, "/api/v1/orders/"+strconv.FormatInt(o.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(deliveryOf(o, d))
}

// apiOrderEdit is PATCH /api/v1/orders/{id}: the requester changes a
// returned order – header fields and the full list of lines.
func (h *Handler) apiOrderEdit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		web.Versioned
		orderInputJSON
		Lines []order.LineInput `json:"lines"`
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	o, err := h.Orders.Edit(c.UserContext(), *p, id, version, order.EditInput{Input: in.input(), Lines: in.Lines})
	if err != nil {
		return err
	}
	return c.JSON(h.orderOf(c.UserContext(), p, o, true))
}
