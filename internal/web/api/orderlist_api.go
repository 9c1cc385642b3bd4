package api

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/orderlist"
	"coopshop/internal/web"
)

// apiOrderLists is GET /api/v1/order-lists?limit=&cursor=: the caller's
// personal lists and the member's shared ones, newest first, each with
// its items priced for today.
func (h *Handler) apiOrderLists(c *fiber.Ctx) error {
	lq := web.NewListQuery(c)
	f := orderlist.Filter{Limit: lq.Limit(50, 200), BeforeID: lq.ID("cursor")}
	if err := lq.Err(); err != nil {
		return err
	}
	ctx, p := c.UserContext(), web.Principal(c)
	lists, err := h.OrderLists.Lists(ctx, *p, f)
	if err != nil {
		return err
	}
	out := List[orderListJSON]{Items: []orderListJSON{}}
	for _, l := range lists {
		v, err := h.OrderLists.Get(ctx, *p, l.ID)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, orderListOf(v))
	}
	if len(lists) == f.Limit {
		cur := strconv.FormatInt(lists[len(lists)-1].ID, 10)
		out.NextCursor = &cur
	}
	return c.JSON(out)
}

// apiOrderList is GET /api/v1/order-lists/{id}; a colleague's personal
// list or another member's is a 404.
func (h *Handler) apiOrderList(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.OrderLists.Get(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(orderListOf(v))
}

// orderListInput is the body of POST /api/v1/order-lists.
type orderListInput struct {
	Name   *string `json:"name"`
	Shared bool    `json:"shared"`
	Items  []struct {
		ProductID *int64 `json:"product_id"`
		Quantity  *int64 `json:"quantity"`
	} `json:"items"`
}

// apiOrderListCreate is POST /api/v1/order-lists {"name","shared",
// "items":[{"product_id","quantity"}]}: 201 with the list.
func (h *Handler) apiOrderListCreate(c *fiber.Ctx) error {
	var in orderListInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	var missing []apperr.FieldError
	if in.Name == nil {
		missing = append(missing, apperr.FieldError{Field: "name", Message: "Der Name der Liste fehlt."})
	}
	oi := orderlist.Input{Shared: in.Shared}
	if in.Name != nil {
		oi.Name = *in.Name
	}
	for i, it := range in.Items {
		if it.ProductID == nil {
			missing = append(missing, apperr.FieldError{Field: fmt.Sprintf("items[%d].product_id", i), Message: "Das Produkt fehlt."})
			continue
		}
		q := int64(1)
		if it.Quantity != nil {
			q = *it.Quantity
		}
		oi.Items = append(oi.Items, orderlist.ItemInput{ProductID: *it.ProductID, Quantity: q})
	}
	if len(missing) > 0 {
		return apperr.Fields("Pflichtangaben fehlen.", missing...)
	}
	ctx, p := c.UserContext(), web.Principal(c)
	l, err := h.OrderLists.Create(ctx, *p, oi)
	if err != nil {
		return err
	}
	v, err := h.OrderLists.Get(ctx, *p, l.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(orderListOf(v))
}

// apiOrderListCart is POST /api/v1/order-lists/{id}/cart: the list into
// the caller's cart at today's prices; the cart with the number of lines
// added and a notice per product whose price moved since the list was
// saved, that now needs a quotation, or that is gone (left out).
func (h *Handler) apiOrderListCart(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), web.Principal(c)
	t, err := h.OrderLists.ToCart(ctx, *p, id)
	if err != nil {
		return err
	}
	v, err := h.Carts.View(ctx, *p)
	if err != nil {
		return err
	}
	return c.JSON(listCartJSON{cartJSON: cartOf(v), Added: t.Added, Notices: noticesOf(t)})
}

// apiCartImport is POST /api/v1/cart/import: a quick order as the body
// (text/csv, "SKU;quantity" per line) or the multipart field "file".
// Every line goes into the cart (200 with the cart), or nothing: 422
// with errors[{line, field, message}].
func (h *Handler) apiCartImport(c *fiber.Ctx) error {
	var body io.Reader
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return apperr.Fields("Die CSV-Datei fehlt.", apperr.FieldError{Field: "file", Message: "Bitte senden Sie die Datei im Feld „file“."})
		}
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		body = f
	} else {
		if len(bytes.TrimSpace(c.Body())) == 0 {
			return apperr.Fields("Die Zeilen fehlen.", apperr.FieldError{Field: "file", Message: "Bitte senden Sie „Artikelnummer;Menge“-Zeilen als Anfragekörper (text/csv)."})
		}
		body = bytes.NewReader(c.Body())
	}
	if _, err := h.Carts.Import(c.UserContext(), *web.Principal(c), body); err != nil {
		return err
	}
	return h.apiCart(c)
}
