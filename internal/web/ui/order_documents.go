package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/document"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderDocument is one issued document of an order as the "Dokumente"
// section lists it: what order.Documents says plus where to download it.
type orderDocument struct {
	order.DocumentInfo
	Href string
}

// orderDocuments lists the documents of o the viewer may download: the
// request, the confirmation, the delivery notes and, for whoever may read
// them, the invoices and credit notes. A viewer without the right to read
// the order's documents gets none.
func (h *Handler) orderDocuments(c *fiber.Ctx, o *order.Order) ([]orderDocument, error) {
	p := web.Principal(c)
	if !h.Authz.Allowed(p.Subject, authz.DocumentRead.Action, authz.Object{Kind: authz.DocumentRead.Object, ID: o.ID, OrgID: o.OrgID}) {
		return nil, nil
	}
	infos, err := h.Orders.Documents(c.UserContext(), *p, o.ID)
	if err != nil {
		return nil, err
	}
	out := make([]orderDocument, 0, len(infos))
	for _, in := range infos {
		out = append(out, orderDocument{DocumentInfo: in, Href: documentHref(in)})
	}
	return out, nil
}

// documentHref is the download path of one document of an order.
func documentHref(in order.DocumentInfo) string {
	switch {
	case in.Entity != order.DocumentEntity:
		return fmt.Sprintf("/invoices/%d/pdf", in.EntityID)
	case in.Kind == document.KindOrderRequest:
		return fmt.Sprintf("/orders/%d/documents/request", in.EntityID)
	case in.Kind == document.KindOrderConfirmation:
		return fmt.Sprintf("/orders/%d/documents/confirmation", in.EntityID)
	default:
		return fmt.Sprintf("/orders/%d/deliveries/%d/pdf", in.EntityID, in.DeliveryID)
	}
}
