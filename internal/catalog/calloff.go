package catalog

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
)

// CallOff is one row of a contract's call-off report: what one member
// called off of one product in one month (the figures the provider sizes
// the next tender by).
type CallOff struct {
	Month      string `json:"month"` // "2026-11", by the day the order was submitted (Berlin)
	MemberID   int64  `json:"member_id"`
	MemberName string `json:"member_name"`
	ProductID  int64  `json:"product_id"`
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Quantity   int64  `json:"quantity"`
	NetCents   int64  `json:"net_cents"`
}

// MonthLabel is the month in German ("11/2026").
func (c CallOff) MonthLabel() string {
	if len(c.Month) != 7 {
		return c.Month
	}
	return c.Month[5:] + "/" + c.Month[:4]
}

// CallOffReport is the report of one contract for a period.
type CallOffReport struct {
	Contract *Contract
	From, To calendar.Date // inclusive; zero: open
	Rows     []CallOff
	Quantity int64 // sum of the rows
	NetCents int64
}

// CallOffs gathers the call-offs of a contract: order lines priced by it
// that count against its quotas now (reserved; a rejected, withdrawn or
// returned order has given its units back), summed per month, member and
// product, ordered by month, member and SKU. memberID 0: every member;
// from and to (inclusive, zero: open) limit the day of submission. The
// amount is the line's net for the reserved quantity.
func CallOffs(ctx context.Context, idb bun.IDB, contractID, memberID int64, from, to calendar.Date) ([]CallOff, error) {
	var rows []struct {
		OrgID       int64     `bun:"organisation_id"`
		OrgName     string    `bun:"org_name"`
		SubmittedAt time.Time `bun:"submitted_at"`
		ProductID   int64     `bun:"product_id"`
		SKU         string    `bun:"sku"`
		Name        string    `bun:"name"`
		Quantity    int64     `bun:"quantity"`
		Reserved    int64     `bun:"reserved_quantity"`
		NetCents    int64     `bun:"net_cents"`
	}
	q := idb.NewSelect().
		ColumnExpr("o.organisation_id, org.name AS org_name, o.submitted_at, ol.product_id, ol.sku, ol.name, ol.quantity, ol.reserved_quantity, ol.net_cents").
		TableExpr("order_lines AS ol").
		Join("JOIN orders AS o ON o.id = ol.order_id").
		Join("JOIN organisations AS org ON org.id = o.organisation_id").
		Where("ol.contract_id = ? AND ol.reserved_quantity > 0", contractID)
	if memberID != 0 {
		q.Where("o.organisation_id = ?", memberID)
	}
	if err := q.OrderExpr("o.id, ol.line_no").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("call-offs of contract %d: %w", contractID, err)
	}
	type key struct {
		month          string
		member, produc int64
	}
	sums := map[key]*CallOff{}
	for _, r := range rows {
		day := calendar.Of(r.SubmittedAt)
		if !from.IsZero() && day.Before(from) || !to.IsZero() && day.After(to) {
			continue
		}
		k := key{day.String()[:7], r.OrgID, r.ProductID}
		c := sums[k]
		if c == nil {
			c = &CallOff{Month: k.month, MemberID: r.OrgID, MemberName: r.OrgName, ProductID: r.ProductID, SKU: r.SKU, Name: r.Name}
			sums[k] = c
		}
		net := r.NetCents
		if r.Reserved != r.Quantity {
			net = money.RoundDiv(r.NetCents*r.Reserved, r.Quantity)
		}
		c.Quantity += r.Reserved
		c.NetCents += net
	}
	out := make([]CallOff, 0, len(sums))
	for _, c := range sums {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		if a.MemberName != b.MemberName {
			return a.MemberName < b.MemberName
		}
		return a.SKU < b.SKU
	})
	return out, nil
}

// CallOffs is the call-off report of a contract for the actor: who may
// read it across members (catalog managers, sales, auditors) gets every
// member's rows; a member's users get only their own member's rows, of a
// contract they may see (another is a 404).
func (s *Service) CallOffs(ctx context.Context, actor account.Principal, contractID int64, from, to calendar.Date) (*CallOffReport, error) {
	memberID := int64(0)
	if !s.Authz.Allowed(actor.Subject, "call_offs", authz.AcrossOrgs("contract")) {
		memberID = actor.User.OrgID
		if err := s.Authz.Can(ctx, actor.Subject, "call_offs", authz.Object{Kind: "contract", OrgID: memberID}); err != nil {
			return nil, err
		}
	}
	c, err := s.Contract(ctx, actor, contractID)
	if err != nil {
		return nil, err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return nil, apperr.Fields("Der Zeitraum ist ungültig.", apperr.FieldError{Field: "to", Message: "Das Ende liegt vor dem Beginn."})
	}
	rows, err := CallOffs(ctx, s.DB, contractID, memberID, from, to)
	if err != nil {
		return nil, err
	}
	rep := &CallOffReport{Contract: c, From: from, To: to, Rows: rows}
	for _, r := range rows {
		rep.Quantity += r.Quantity
		rep.NetCents += r.NetCents
	}
	return rep, nil
}

// CanReadCallOffs tells whether the actor may open a contract's call-off
// report at all (for links).
func (s *Service) CanReadCallOffs(actor account.Principal) bool {
	return s.Authz.Allowed(actor.Subject, "call_offs", authz.Object{Kind: "contract", OrgID: actor.Subject.OrgID})
}

// WriteCallOffsCSV writes the report as CSV that Excel opens as it is: UTF-8
// with a byte order mark, semicolons, German decimals without thousands
// separators, CRLF; text cells are formula-safe.
func WriteCallOffsCSV(w io.Writer, rows []CallOff) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write([]string{"Monat", "Mitglied", "Artikelnummer", "Produkt", "Menge", "Betrag netto (EUR)"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{r.Month, cellSafe(r.MemberName), cellSafe(r.SKU), cellSafe(r.Name),
			strconv.FormatInt(r.Quantity, 10), decimalDE(r.NetCents)}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// decimalDE is cents as "1234,56" (no thousands separator: a spreadsheet
// reads it as a number).
func decimalDE(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d,%02d", sign, cents/100, cents%100)
}

// cellSafe keeps a text cell from being run as a formula.
func cellSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
