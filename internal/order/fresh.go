package order

import "coopshop/internal/catalog"

// Fresh is what the request that created an order read anyway, so that
// its answer needs no second read (issue 15): the availability of the
// lines' products. A freshly created order has nothing that later steps
// add (provisioning, invoices, deliveries).
type Fresh struct {
	// Availability is the availability of the lines' products (product
	// id → availability) as the submission read them.
	Availability map[int64]catalog.Availability
}

func freshOf(products map[int64]*catalog.Product) *Fresh {
	f := &Fresh{Availability: make(map[int64]catalog.Availability, len(products))}
	for id, p := range products {
		f.Availability[id] = p.Availability()
	}
	return f
}
