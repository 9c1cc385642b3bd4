package ui

// deliveryForm is the delivery form as typed: per order line (by line_no)
// the quantity and the serial numbers (one per line).
type deliveryForm struct {
	Quantity map[int]string
	Serials  map[int]string
	Note     string
}
