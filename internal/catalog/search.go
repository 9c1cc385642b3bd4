package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// Filter narrows a catalog search. Zero fields do not filter.
type Filter struct {
	Q          string // words typed by the user: all must match (prefixes count)
	CategoryID int64
	Kind       string
	ContractID int64 // only products that have a line in this contract
	ActiveOnly bool
	Limit      int    // page size; 50 when zero, at most MaxLimit
	Cursor     string // NextCursor of the previous page
	// Sort orders the results (SortName when empty); any other order,
	// or Offset, pages by offset instead of by cursor (the HTML catalog
	// with numbered pages and a choice of order).
	Sort   Sort
	Offset int
}

// Sort is an order of the catalog's results.
type Sort string

// The orders of the catalog's results.
const (
	SortName      Sort = "name"       // by name A–Z (the default)
	SortNameDesc  Sort = "name_desc"  // by name Z–A
	SortSKU       Sort = "sku"        // by article number
	SortPrice     Sort = "price"      // by list price, lowest first
	SortPriceDesc Sort = "price_desc" // by list price, highest first
)

// orderBy is the SQL order of s, always ending in the id for a stable order.
func (s Sort) orderBy() (string, bool) {
	switch s {
	case "", SortName:
		return "lower(p.name), p.id", true
	case SortNameDesc:
		return "lower(p.name) DESC, p.id DESC", true
	case SortSKU:
		return "p.sku, p.id", true
	case SortPrice:
		return "p.list_price_cents, lower(p.name), p.id", true
	case SortPriceDesc:
		return "p.list_price_cents DESC, lower(p.name), p.id", true
	}
	return "", false
}

// Page sizes of Search.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Page is one page of search results in catalog order (name, then id).
type Page struct {
	Products []*Product
	// NextCursor continues the search after this page; empty on the last.
	NextCursor string
}

// paging is the filter's page size (DefaultLimit when unset, at most
// MaxLimit) and its ORDER BY; an unknown sort or a negative offset is a
// field error.
func (f Filter) paging() (limit int, order string, err error) {
	limit = f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	order, ok := f.Sort.orderBy()
	if !ok || f.Offset < 0 {
		return 0, "", apperr.Fields("Ungültige Sortierung.", apperr.FieldError{Field: "sort", Message: "Diese Sortierung gibt es nicht."})
	}
	return min(limit, MaxLimit), order, nil
}

// Search finds products by words and filters, one page at a time.
//
// Words match SKU, name and description, each as a prefix, all of them
// together. PostgreSQL uses the German full-text configuration (stemming:
// "Notebooks" finds "Notebook", umlauts folded: "Zubehör" finds "zubehor");
// SQLite uses FTS5 with accent folding and a light suffix trimming that
// stands in for the stemmer. On both, a word is also tried as an SKU
// prefix, so "NB-T14" finds "NB-T14-G5".
//
// Pages follow keyset pagination on (lower(name), id): the cursor is the id
// of the last product shown, so pages stay stable while others are added.
func Search(ctx context.Context, idb bun.IDB, f Filter) (Page, error) {
	limit, order, err := f.paging()
	if err != nil {
		return Page{}, err
	}
	var out []*Product
	q := idb.NewSelect().Model(&out).Relation("Category").
		OrderExpr(order).Limit(int64(limit) + 1)
	filter(q, idb, f, nil)
	if f.Offset > 0 || (f.Sort != "" && f.Sort != SortName) {
		q.Offset(int64(f.Offset))
		if err := q.Scan(ctx); err != nil {
			return Page{}, fmt.Errorf("search products: %w", err)
		}
		page := Page{Products: out}
		if len(out) > limit {
			page.Products = out[:limit]
		}
		return page, nil
	}
	if f.Cursor != "" {
		after, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || after <= 0 {
			return Page{}, apperr.Fields("Ungültige Seitenangabe.", apperr.FieldError{Field: "cursor", Message: "Die Seitenangabe (cursor) ist ungültig."})
		}
		q.Where("(lower(p.name), p.id) > (SELECT lower(cp.name), cp.id FROM products AS cp WHERE cp.id = ?)", after)
	}
	if err := q.Scan(ctx); err != nil {
		return Page{}, fmt.Errorf("search products: %w", err)
	}
	page := Page{Products: out}
	if len(out) > limit {
		page.Products = out[:limit]
		page.NextCursor = strconv.FormatInt(out[limit-1].ID, 10)
	}
	return page, nil
}

// Count is how many products Search finds for f (all pages).
func Count(ctx context.Context, idb bun.IDB, f Filter) (int, error) {
	q := idb.NewSelect().Model((*Product)(nil))
	filter(q, idb, f, nil)
	n, err := q.Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count products: %w", err)
	}
	return int(n), nil
}

// filter adds the words and filters of f to a query over products p; with
// params, its values become placeholders of a prepared statement.
func filter(q *bun.SelectQuery, idb bun.IDB, f Filter, params *db.Params) {
	arg := params.Arg
	if words := searchWords(f.Q); len(words) > 0 {
		skuPrefix := strings.ToLower(strings.TrimSpace(f.Q))
		skuPrefix = likeEscaper.Replace(skuPrefix) + "%"
		if db.IsPostgres(idb) {
			q.Where("(p.search @@ to_tsquery('german', ?) OR lower(p.sku) LIKE ? ESCAPE '\\')", arg(pgQuery(words)), arg(skuPrefix))
		} else {
			q.Where("(p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?) OR lower(p.sku) LIKE ? ESCAPE '\\')", arg(ftsQuery(words)), arg(skuPrefix))
		}
	}
	if f.CategoryID != 0 {
		q.Where("p.category_id = ?", arg(f.CategoryID))
	}
	if f.Kind != "" {
		q.Where("p.kind = ?", arg(f.Kind))
	}
	if f.ContractID != 0 {
		q.Where("EXISTS (SELECT 1 FROM contract_lines AS fl WHERE fl.product_id = p.id AND fl.contract_id = ?)", arg(f.ContractID))
	}
	if f.ActiveOnly {
		q.Where("p.active")
	}
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// maxWords bounds the query a user can make the database evaluate.
const maxWords = 8

// searchWords splits what the user typed into lower-case words of letters
// and digits; everything else separates words ("NB-T14" → nb, t14), which
// is how both full-text parsers split SKUs too.
func searchWords(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	return words
}

// pgQuery builds a tsquery in to_tsquery syntax: every word a prefix, all
// required. Words are letters and digits only, so quoting is safe.
func pgQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = "'" + w + "':*"
	}
	return strings.Join(parts, " & ")
}

// ftsQuery builds an FTS5 query: every word (trimmed of a German inflection
// suffix) a quoted prefix, all required.
func ftsQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + trimSuffix(w) + `"*`
	}
	return strings.Join(parts, " ")
}

// germanSuffixes are the endings trimSuffix takes off, longest first.
var germanSuffixes = []string{"ern", "en", "er", "es", "e", "n", "s"}

// trimSuffix takes a common German plural or case ending off a word so that
// the prefix search finds the other forms ("Monitore" → "monitor" finds
// "Monitor", "Lizenzen" → "lizenz"). Short words stay as they are.
func trimSuffix(w string) string {
	for _, s := range germanSuffixes {
		if strings.HasSuffix(w, s) && utf8.RuneCountInString(w)-len(s) >= 4 {
			return strings.TrimSuffix(w, s)
		}
	}
	return w
}
