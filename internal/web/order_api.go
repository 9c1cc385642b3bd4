package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/order"
)

// orderInputJSON is the body of POST /api/v1/orders and PATCH.
type orderInputJSON struct {
	CostCentre        string        `json:"cost_centre"`
	DeliveryAddress   string        `json:"delivery_address"`
	DeliveryAddressID int64         `json:"delivery_address_id"`
	Reason            string        `json:"reason"`
	DesiredDate       calendar.Date `json:"desired_date"`
}

func (in orderInputJSON) input() order.Input {
	return order.Input{CostCentre: in.CostCentre, DeliveryAddress: in.DeliveryAddress, DeliveryAddressID: in.DeliveryAddressID,
		Reason: in.Reason, DesiredDate: in.DesiredDate}
}

// apiOrderSubmit is POST /api/v1/orders: the caller's cart becomes an
// order request (201). The Idempotency-Key header makes a repetition
// answer the same order (201 again, with Idempotent-Replayed: true).
func (s *Server) apiOrderSubmit(c *fiber.Ctx) error {
	var in orderInputJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	oi := in.input()
	oi.IdempotencyKey = strings.TrimSpace(c.Get("Idempotency-Key"))
	p := principal(c)
	o, replay, err := s.Orders.Submit(c.UserContext(), *p, oi)
	if err != nil {
		return err
	}
	if replay {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderLocation, "/api/v1/orders/"+strconv.FormatInt(o.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(s.orderOf(c.UserContext(), p, o, true))
}

// apiOrders is GET /api/v1/orders?state=&limit=&cursor=: newest first;
// members see their own member's orders, the provider all.
func (s *Server) apiOrders(c *fiber.Ctx) error {
	lq := newListQuery(c)
	f := order.Filter{Limit: lq.limit(50, 200), BeforeID: lq.id("cursor"), States: states(lq, "state", order.States)}
	if err := lq.err(); err != nil {
		return err
	}
	p := principal(c)
	orders, err := s.Orders.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	out := list[orderJSON]{Items: []orderJSON{}}
	quotes := s.latestQuoteIDs(c.UserContext(), p, orders...)
	for _, o := range orders {
		out.Items = append(out.Items, s.orderWithQuote(p, o, false, quotes))
	}
	if len(orders) == f.Limit {
		cur := strconv.FormatInt(orders[len(orders)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// apiOrder is GET /api/v1/orders/{id}; another member's order is a 404.
func (s *Server) apiOrder(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p := principal(c)
	o, err := s.Orders.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	return c.JSON(s.orderOf(c.UserContext(), p, o, true))
}

// stepBody is the body of the step endpoints.
type stepBody struct {
	Version *int64 `json:"version"`
	Comment string `json:"comment"`
}

// readStep reads {"version","comment"}; version is required unless
// optional (an empty body then means "the current version").
func readStep(c *fiber.Ctx, optional bool) (stepBody, error) {
	var b stepBody
	if optional && len(strings.TrimSpace(string(c.Body()))) == 0 {
		return b, nil
	}
	if err := decodeJSON(c, &b); err != nil {
		return b, err
	}
	if b.Version == nil && !optional {
		return b, apperr.Fields("Die Version fehlt.", apperr.FieldError{Field: "version", Message: "Bitte die Version angeben, die Sie zuletzt gesehen haben."})
	}
	if b.Version == nil {
		var zero int64
		b.Version = &zero
	}
	return b, nil
}

// apiOrderStep runs one step endpoint: POST /api/v1/orders/{id}/<step>.
func (s *Server) apiOrderStep(st order.Step) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		b, err := readStep(c, false)
		if err != nil {
			return err
		}
		p := principal(c)
		ctx := c.UserContext()
		var o *order.Order
		switch st {
		case order.StepApprove:
			o, err = s.Orders.Approve(ctx, *p, id, *b.Version, b.Comment)
		case order.StepReject:
			o, err = s.Orders.Reject(ctx, *p, id, *b.Version, b.Comment)
		case order.StepReturn:
			o, err = s.Orders.Return(ctx, *p, id, *b.Version, b.Comment)
		case order.StepWithdraw:
			o, err = s.Orders.Withdraw(ctx, *p, id, *b.Version, b.Comment)
		case order.StepConfirm:
			o, err = s.Orders.Confirm(ctx, *p, id, *b.Version)
		case order.StepResubmit:
			o, err = s.Orders.Resubmit(ctx, *p, id, *b.Version)
		default:
			return fiber.ErrNotFound
		}
		if err != nil {
			return err
		}
		return c.JSON(s.orderOf(c.UserContext(), p, o, true))
	}
}

// apiOrderQuote is POST /api/v1/orders/{id}/quotes: sales opens a
// quotation for an approved order with lines that need one (201 with the
// order, now quoting). The body {"version"} is optional.
func (s *Server) apiOrderQuote(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	b, err := readStep(c, true)
	if err != nil {
		return err
	}
	p := principal(c)
	o, err := s.Orders.StartQuote(c.UserContext(), *p, id, *b.Version)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.orderOf(c.UserContext(), p, o, true))
}

// apiOrderDeliver is POST /api/v1/orders/{id}/deliveries
// {"version"?, "lines":[{"line_no"|"product_id","quantity","serials"}],
// "note"}: a (partial) delivery; 201 with the order. A free line (no
// product) is named by its line_no.
func (s *Server) apiOrderDeliver(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Version int64 `json:"version"`
		order.DeliveryInput
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p := principal(c)
	o, err := s.Orders.Deliver(c.UserContext(), *p, id, in.Version, in.DeliveryInput)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s.orderOf(c.UserContext(), p, o, true))
}

// apiOrderEdit is PATCH /api/v1/orders/{id}: the requester changes a
// returned order – header fields and the full list of lines.
func (s *Server) apiOrderEdit(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Version *int64 `json:"version"`
		orderInputJSON
		Lines []order.LineInput `json:"lines"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version == nil {
		return apperr.Fields("Die Version fehlt.", apperr.FieldError{Field: "version", Message: "Bitte die Version angeben, die Sie zuletzt gesehen haben."})
	}
	p := principal(c)
	o, err := s.Orders.Edit(c.UserContext(), *p, id, *in.Version, order.EditInput{Input: in.input(), Lines: in.Lines})
	if err != nil {
		return err
	}
	return c.JSON(s.orderOf(c.UserContext(), p, o, true))
}
