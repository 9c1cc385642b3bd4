package audit

import "encoding/json"

// OnBehalfOf is the name of the principal a deputy acted for, from the
// entry's detail ({"on_behalf_of":{"id","name"}}, written by the decision
// steps of orders and quotations), or "": the Protokoll says
// "X im Auftrag von Y".
func (e Entry) OnBehalfOf() string {
	var d struct {
		OnBehalfOf *struct {
			Name string `json:"name"`
		} `json:"on_behalf_of"`
	}
	if e.Detail == "" || e.Detail[0] != '{' || json.Unmarshal([]byte(e.Detail), &d) != nil || d.OnBehalfOf == nil {
		return ""
	}
	return d.OnBehalfOf.Name
}
