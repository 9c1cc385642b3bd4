package orderlist

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// wanted is one product that is to go into the cart, with the price it
// had when it was saved (or ordered).
type wanted struct {
	ProductID   int64
	Quantity    int64
	SavedCents  int64
	SavedSource catalog.SourceType
}

// ToCart puts a list into the actor's cart in one step at today's prices:
// every product still in the catalog (quantities add to what the cart
// holds), with a notice for each price that moved since the list was
// saved, each product that now needs a quotation, and each one that is
// gone (left out).
func (s *Service) ToCart(ctx context.Context, actor account.Principal, id int64) (*Transfer, error) {
	l, err := s.load(ctx, s.DB, actor, id, authz.OrderListRead.Action)
	if err != nil {
		return nil, err
	}
	its, err := items(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if len(its) == 0 {
		return nil, apperr.Fields("Die Bestellliste ist leer.", apperr.FieldError{Field: "items", Message: "Bitte legen Sie zuerst Produkte auf die Liste."})
	}
	ws := make([]wanted, len(its))
	for i, it := range its {
		ws[i] = wanted{ProductID: it.ProductID, Quantity: it.Quantity, SavedCents: it.PriceCents, SavedSource: it.PriceSource}
	}
	return s.transfer(ctx, actor, "„"+l.Name+"“", "auf der Liste", ws)
}

// Reorder puts the product lines of a past order the actor may see into
// the cart ("nochmal bestellen") at today's prices, with a notice for
// each price that differs from the order's. Free lines of a quotation
// have no product and stay out.
func (s *Service) Reorder(ctx context.Context, actor account.Principal, orderID int64) (*Transfer, error) {
	o, err := s.Orders.Get(ctx, actor, orderID)
	if err != nil {
		return nil, err
	}
	var ws []wanted
	for _, ln := range o.Lines {
		if ln.Free() || ln.SubscriptionID != nil {
			continue
		}
		ws = append(ws, wanted{ProductID: ln.ProductID, Quantity: ln.Quantity, SavedCents: ln.UnitPriceCents, SavedSource: ln.PriceSource})
	}
	if len(ws) == 0 {
		return nil, apperr.Fields("Die Bestellung hat keine Katalogpositionen.", apperr.FieldError{Field: "lines", Message: "Freie Positionen eines Angebots lassen sich nicht nachbestellen."})
	}
	return s.transfer(ctx, actor, o.Number, "in "+o.Number, ws)
}

// SaveOrder keeps the product lines of a past order as a new list of the
// actor (name and sharing as given; products no longer in the catalog
// are left out).
func (s *Service) SaveOrder(ctx context.Context, actor account.Principal, orderID int64, name string, shared bool) (*List, error) {
	o, err := s.Orders.Get(ctx, actor, orderID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(o.Lines))
	for _, ln := range o.Lines {
		if !ln.Free() {
			ids = append(ids, ln.ProductID)
		}
	}
	products, err := catalog.ProductsByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	in := Input{Name: name, Shared: shared}
	for _, ln := range o.Lines {
		if p := products[ln.ProductID]; !ln.Free() && ln.SubscriptionID == nil && p != nil && p.Active {
			in.Items = append(in.Items, ItemInput{ProductID: ln.ProductID, Quantity: ln.Quantity})
		}
	}
	if len(in.Items) == 0 {
		return nil, apperr.Fields("Keine Position dieser Bestellung ist noch im Katalog.", apperr.FieldError{Field: "lines", Message: "Es gibt nichts zu speichern."})
	}
	return s.Create(ctx, actor, in)
}

// transfer adds the wanted products that are still in the catalog to the
// cart and says what changed; source names the list or order in the
// messages, where how the old price was known ("auf der Liste").
func (s *Service) transfer(ctx context.Context, actor account.Principal, source, where string, ws []wanted) (*Transfer, error) {
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ProductID
	}
	products, err := catalog.ProductsByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	t := &Transfer{Source: source}
	var add []cart.Want
	for i, w := range ws {
		p := products[w.ProductID]
		if p == nil || !p.Active {
			n := Notice{ProductID: w.ProductID, Kind: NoticeUnavailable, OldCents: w.SavedCents}
			if p != nil {
				n.SKU, n.Name = p.SKU, p.Name
			} else {
				n.Name = fmt.Sprintf("Produkt %d", w.ProductID)
			}
			n.Message = fmt.Sprintf("„%s“ ist nicht mehr im Katalog und wurde nicht in den Warenkorb gelegt.", n.Name)
			t.Notices = append(t.Notices, n)
			continue
		}
		add = append(add, cart.Want{ProductID: w.ProductID, Quantity: w.Quantity, Line: i + 1})
	}
	if len(add) == 0 {
		return nil, apperr.Fields("Keine Position ist noch im Katalog; es wurde nichts in den Warenkorb gelegt.", apperr.FieldError{Field: "items", Message: t.Notices[0].Message})
	}
	prices, err := s.Carts.AddAll(ctx, actor, add)
	if err != nil {
		return nil, err
	}
	t.Added = len(add)
	for _, w := range ws {
		p, ok := prices[w.ProductID]
		if !ok {
			continue
		}
		if n, changed := noticeOf(products[w.ProductID], w, p, where); changed {
			t.Notices = append(t.Notices, n)
		}
	}
	return t, nil
}

// noticeOf compares the saved price of a product with today's and says
// plainly what moved, naming the product and both prices.
func noticeOf(prod *catalog.Product, w wanted, now catalog.Price, where string) (Notice, bool) {
	n := Notice{ProductID: prod.ID, SKU: prod.SKU, Name: prod.Name, OldCents: w.SavedCents, NewCents: now.UnitCents}
	old := money.Format(w.SavedCents)
	if w.SavedSource == catalog.SourceQuote {
		old = "auf Anfrage"
	}
	switch {
	case now.Source == w.SavedSource && now.UnitCents == w.SavedCents:
		return n, false
	case now.Source == catalog.SourceQuote:
		n.Kind = NoticeNeedsQuote
		n.Message = fmt.Sprintf("„%s“ gibt es jetzt nur auf Anfrage (%s: %s je %s); der Vertrieb erstellt dafür ein Angebot.", prod.Name, where, old, prod.Unit)
	case now.Source == catalog.SourceList && w.SavedSource == catalog.SourceContract:
		n.Kind = NoticeNeedsQuote
		why := ""
		if now.Note != "" {
			why = " (" + now.Note + ")"
		}
		n.Message = fmt.Sprintf("„%s“: Der Vertragspreis von %s je %s gilt nicht mehr%s. Jetzt gilt der Listenpreis von %s, und die Position braucht ein Angebot des Vertriebs.",
			prod.Name, old, prod.Unit, why, money.Format(now.UnitCents))
	default:
		n.Kind = NoticePriceChanged
		n.Message = fmt.Sprintf("„%s“ kostet jetzt %s je %s statt %s (%s).", prod.Name, money.Format(now.UnitCents), prod.Unit, old, where)
	}
	return n, true
}
