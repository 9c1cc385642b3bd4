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
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	var out []*Product
	q := idb.NewSelect().Model(&out).Relation("Category").
		OrderExpr("lower(p.name), p.id").Limit(int64(limit) + 1)
	if words := searchWords(f.Q); len(words) > 0 {
		skuPrefix := strings.ToLower(strings.TrimSpace(f.Q))
		skuPrefix = likeEscaper.Replace(skuPrefix) + "%"
		if db.IsPostgres(idb) {
			q.Where("(p.search @@ to_tsquery('german', ?) OR lower(p.sku) LIKE ? ESCAPE '\\')", pgQuery(words), skuPrefix)
		} else {
			q.Where("(p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?) OR lower(p.sku) LIKE ? ESCAPE '\\')", ftsQuery(words), skuPrefix)
		}
	}
	if f.CategoryID != 0 {
		q.Where("p.category_id = ?", f.CategoryID)
	}
	if f.Kind != "" {
		q.Where("p.kind = ?", f.Kind)
	}
	if f.ContractID != 0 {
		q.Where("EXISTS (SELECT 1 FROM contract_lines AS fl WHERE fl.product_id = p.id AND fl.contract_id = ?)", f.ContractID)
	}
	if f.ActiveOnly {
		q.Where("p.active")
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
