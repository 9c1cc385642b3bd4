package ui

import "coopshop/internal/catalog"

// option is one entry of a select box.
type option struct {
	Value, Label string
}

// kindOptions are the product kinds for a select box, labelled in German.
func kindOptions() []option {
	out := make([]option, len(catalog.Kinds))
	for i, k := range catalog.Kinds {
		out[i] = option{k, catalog.KindLabel(k)}
	}
	return out
}
