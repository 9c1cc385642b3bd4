package api

// List is the API's envelope for collections (API.md: {"items": [...],
// "next_cursor": null}).
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}
