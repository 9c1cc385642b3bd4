package cart

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
)

// Want is one product and quantity to add to a cart in bulk (an order
// list, a past order, a quick-order file). Line names where it came from
// (the file's line, the list's position) in the errors of AddAll.
type Want struct {
	ProductID int64
	Quantity  int64
	Line      int
}

// AddAll adds every wanted product to the actor's cart in one
// transaction, or nothing: a product that is gone or a quantity that
// would leave the allowed range fails the whole call with field errors
// naming each Line. Quantities add to what the cart holds. It answers the
// price each added line now has (product id → price), so that callers can
// say what changed since a list was saved or an order placed.
func (s *Service) AddAll(ctx context.Context, actor account.Principal, wants []Want) (map[int64]catalog.Price, error) {
	if err := s.can(ctx, actor); err != nil {
		return nil, err
	}
	var prices map[int64]catalog.Price
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		prices, err = s.addAll(ctx, tx, actor, wants)
		return err
	})
	if err != nil {
		return nil, err
	}
	return prices, nil
}

// addAll is AddAll inside its transaction.
func (s *Service) addAll(ctx context.Context, tx bun.IDB, actor account.Principal, wants []Want) (map[int64]catalog.Price, error) {
	if len(wants) == 0 {
		return nil, apperr.Fields("Es gibt nichts in den Warenkorb zu legen.", apperr.FieldError{Field: "items", Message: "Bitte mindestens eine Position angeben."})
	}
	now := s.Clock.Now()
	cartID, err := ensure(ctx, tx, actor.User.ID, actor.User.OrgID, now)
	if err != nil {
		return nil, err
	}
	items, err := Items(ctx, tx, cartID)
	if err != nil {
		return nil, err
	}
	total := map[int64]int64{}
	for _, it := range items {
		total[it.ProductID] = it.Quantity
	}
	ids := make([]int64, 0, len(wants))
	firstLine := map[int64]int{}
	var order []int64
	for _, w := range wants {
		ids = append(ids, w.ProductID)
		if _, ok := firstLine[w.ProductID]; !ok {
			firstLine[w.ProductID] = w.Line
			order = append(order, w.ProductID)
		}
	}
	rows, err := catalog.PricedRows(ctx, tx, actor.User.OrgID, ids, s.Today())
	if err != nil {
		return nil, err
	}
	_, products := catalog.PricesOf(rows, nil)
	var errs []apperr.FieldError
	for _, w := range wants {
		p := products[w.ProductID]
		switch {
		case p == nil || !p.Active:
			errs = append(errs, apperr.FieldError{Line: w.Line, Field: "product_id", Message: "Das Produkt ist nicht (mehr) im Katalog."})
			continue
		case w.Quantity < 1 || w.Quantity > MaxQuantity:
			errs = append(errs, apperr.FieldError{Line: w.Line, Field: "quantity", Message: fmt.Sprintf("Bitte eine Menge zwischen 1 und %d angeben.", MaxQuantity)})
			continue
		}
		total[w.ProductID] += w.Quantity
	}
	for _, id := range order {
		if p := products[id]; p != nil && p.Active && total[id] > MaxQuantity {
			errs = append(errs, apperr.FieldError{Line: firstLine[id], Field: "quantity",
				Message: fmt.Sprintf("Mit dieser Menge hätte „%s“ im Warenkorb %d × %s, erlaubt sind höchstens %d.", p.Name, total[id], p.Unit, MaxQuantity)})
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields("Es wurde nichts in den Warenkorb gelegt.", errs...)
	}
	want := make(map[int64]int64, len(order))
	for _, id := range order {
		want[id] = total[id]
	}
	prices, _ := catalog.PricesOf(rows, want)
	for _, id := range order {
		p, ok := prices[id]
		if !ok {
			return nil, apperr.New(apperr.NotFound, "Das Produkt ist nicht (mehr) im Katalog.")
		}
		if err := put(ctx, tx, cartID, total[id], p, now); err != nil {
			return nil, err
		}
	}
	return prices, nil
}
