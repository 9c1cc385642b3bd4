package catalog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// ErrQuotaExhausted is the conflict a buyer sees when others took the last
// units of a contract line first.
var ErrQuotaExhausted = apperr.ErrConflict

// Reserve counts quantity against a contract line's total and per-member
// quotas, inside the caller's transaction: ReserveMany with one line.
func Reserve(ctx context.Context, idb bun.IDB, lineID, memberID, quantity int64) error {
	return ReserveMany(ctx, idb, memberID, []Reservation{{LineID: lineID, Quantity: quantity}})
}

// Reservation is a quantity to count against one contract line's quotas.
type Reservation struct {
	LineID   int64
	Quantity int64
}

// ReserveMany counts quantities of one member against the total and the
// member's quotas of contract lines, inside the caller's transaction, in
// two statements whatever the number of lines (issue 15). The member's
// quota is its named one on a pooled contract (contract_line_usage.quota),
// else the line's quota per member, else none (the total alone caps it).
// Each quota is a conditional UPDATE (the member's an upsert with the
// condition), so concurrent reservations can never exceed it: on
// PostgreSQL the lines are locked in id order first (no deadlock between
// two orders of the same lines) and the row lock makes a second writer
// re-check the condition; on SQLite the immediate transaction serialises
// writers. When a quota would be exceeded nothing is counted and a
// Conflict names the first such line. The quota watch learns of every 80
// or 100 % crossed, from the figures the updates return.
func ReserveMany(ctx context.Context, idb bun.IDB, memberID int64, rs []Reservation) error {
	want, err := byLine(rs)
	if err != nil || len(want) == 0 {
		return err
	}
	totals, err := reserveTotals(ctx, idb, want)
	if err != nil {
		return err
	}
	if missing := firstMissing(want, func(id int64) bool { _, ok := totals[id]; return ok }); missing != 0 {
		return undoAndConflict(ctx, idb, want, totals, nil, missing, memberID)
	}
	members, err := reserveMembers(ctx, idb, memberID, want)
	if err != nil {
		return err
	}
	if missing := firstMissing(want, func(id int64) bool { _, ok := members[id]; return ok }); missing != 0 {
		return undoAndConflict(ctx, idb, want, totals, members, missing, memberID)
	}
	for _, r := range want {
		t, m := totals[r.LineID], members[r.LineID]
		if err := crossed(ctx, idb, r.LineID, 0, t.UsedTotal-r.Quantity, t.UsedTotal, t.QuotaTotal); err != nil {
			return err
		}
		if memberID == 0 {
			continue // as watch: the provider's own usage has no quota of its own
		}
		quota := m.Quota
		if quota == nil {
			quota = t.QuotaPerMember
		}
		if err := crossed(ctx, idb, r.LineID, memberID, m.Used-r.Quantity, m.Used, quota); err != nil {
			return err
		}
	}
	return nil
}

// byLine sums the reservations per contract line, in line id order.
func byLine(rs []Reservation) ([]Reservation, error) {
	sum := map[int64]int64{}
	for _, r := range rs {
		if r.Quantity <= 0 {
			return nil, apperr.New(apperr.Invalid, "Die Menge muss größer als null sein.")
		}
		sum[r.LineID] += r.Quantity
	}
	out := make([]Reservation, 0, len(sum))
	for id, q := range sum {
		out = append(out, Reservation{LineID: id, Quantity: q})
	}
	slices.SortFunc(out, func(a, b Reservation) int { return cmp.Compare(a.LineID, b.LineID) })
	return out, nil
}

func firstMissing(want []Reservation, has func(int64) bool) int64 {
	for _, r := range want {
		if !has(r.LineID) {
			return r.LineID
		}
	}
	return 0
}

// valuesOf is the rows "(line_id, qty), …" of a VALUES list and their
// arguments.
func valuesOf(rs []Reservation) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(rs))
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?)")
		args = append(args, r.LineID, r.Quantity)
	}
	return b.String(), args
}

// valuesParams is valuesOf for a prepared statement: the rows' values as
// params' placeholders, cast to bigint (a VALUES list of bare
// placeholders has no type PostgreSQL could infer). One statement text
// per number of lines.
func valuesParams(p *db.Params, rs []Reservation) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(CAST(%s AS bigint), CAST(%s AS bigint))", p.Arg(r.LineID), p.Arg(r.Quantity))
	}
	return b.String()
}

// lockLines is the condition that, on PostgreSQL, locks the lines of
// want in id order before an UPDATE … FROM changes them, whatever order
// its join would visit them in: two orders of the same lines cannot
// deadlock. NO KEY UPDATE is the lock the UPDATE takes anyway: FOR UPDATE
// would also wait for the key-share locks that inserting order lines
// (their foreign key) takes on the lines, and two submissions would wait
// for each other. SQLite's immediate transactions serialise writers
// anyway.
func lockLines(idb bun.IDB, p *db.Params, want []Reservation) string {
	if !db.IsPostgres(idb) {
		return ""
	}
	ids := make([]int64, len(want))
	for i, r := range want {
		ids[i] = r.LineID
	}
	return fmt.Sprintf(" AND contract_lines.id IN (SELECT id FROM contract_lines WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE)", p.Arg(ids))
}

// lineTotal is a contract line after its total was counted.
type lineTotal struct {
	ID             int64  `bun:"id"`
	UsedTotal      int64  `bun:"used_total"`
	QuotaTotal     *int64 `bun:"quota_total"`
	QuotaPerMember *int64 `bun:"quota_per_member"`
}

// reserveTotals counts the lines' totals where their quota allows and
// returns the lines counted. A prepared statement, as every submission
// sends it (planning it cost as much as running it); so is
// reserveMembers'.
func reserveTotals(ctx context.Context, idb bun.IDB, want []Reservation) (map[int64]lineTotal, error) {
	p := new(db.Params)
	values := valuesParams(p, want)
	lock := lockLines(idb, p, want)
	var rows []lineTotal
	err := db.ScanPreparedRaw(ctx, idb, &rows, p, `WITH v (line_id, qty) AS (VALUES `+values+`)
		UPDATE contract_lines SET used_total = used_total + v.qty FROM v
		WHERE contract_lines.id = v.line_id AND (quota_total IS NULL OR used_total + v.qty <= quota_total)`+lock+`
		RETURNING id, used_total, quota_total, quota_per_member`)
	if err != nil {
		return nil, fmt.Errorf("reserve quota: %w", err)
	}
	out := make(map[int64]lineTotal, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// memberUsage is a member's usage row of a line after it was counted.
type memberUsage struct {
	LineID int64  `bun:"contract_line_id"`
	Used   int64  `bun:"used"`
	Quota  *int64 `bun:"quota"`
}

// reserveMembers counts the member's usage of the lines where its quota
// allows (a missing usage row is created) and returns the lines counted.
// The SELECT's condition spares the insert of a row that could never fit;
// the upsert's condition is the one that counts, on the latest row.
func reserveMembers(ctx context.Context, idb bun.IDB, memberID int64, want []Reservation) (map[int64]memberUsage, error) {
	p := new(db.Params)
	values := valuesParams(p, want)
	member := p.Arg(memberID)
	const quota = "COALESCE(contract_line_usage.quota, (SELECT quota_per_member FROM contract_lines WHERE id = contract_line_usage.contract_line_id))"
	var rows []memberUsage
	err := db.ScanPreparedRaw(ctx, idb, &rows, p, `WITH v (line_id, qty) AS (VALUES `+values+`)
		INSERT INTO contract_line_usage (contract_line_id, organisation_id, used)
		SELECT v.line_id, ?, v.qty FROM v
		JOIN contract_lines AS cl ON cl.id = v.line_id
		LEFT JOIN contract_line_usage AS u ON u.contract_line_id = v.line_id AND u.organisation_id = ?
		WHERE COALESCE(u.quota, cl.quota_per_member) IS NULL OR COALESCE(u.used, 0) + v.qty <= COALESCE(u.quota, cl.quota_per_member)
		ORDER BY v.line_id
		ON CONFLICT (contract_line_id, organisation_id) DO UPDATE SET used = contract_line_usage.used + excluded.used
		WHERE `+quota+` IS NULL OR contract_line_usage.used + excluded.used <= `+quota+`
		RETURNING contract_line_id, used, quota`, member, member)
	if err != nil {
		return nil, fmt.Errorf("reserve member quota: %w", err)
	}
	out := make(map[int64]memberUsage, len(rows))
	for _, r := range rows {
		out[r.LineID] = r
	}
	return out, nil
}

// undoAndConflict takes back what was counted so far, totals and the
// member's usage (the caller's transaction rolls back anyway, but a
// caller that carries on stays right), and answers the conflict about
// line.
func undoAndConflict(ctx context.Context, idb bun.IDB, want []Reservation, totals map[int64]lineTotal, members map[int64]memberUsage,
	line, memberID int64) error {
	undo := func(table, set, where string, counted func(int64) bool, extra ...any) error {
		var rs []Reservation
		for _, r := range want {
			if counted(r.LineID) {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			return nil
		}
		values, args := valuesOf(rs)
		_, err := idb.NewRaw(`WITH v (line_id, qty) AS (VALUES `+values+`) UPDATE `+table+` SET `+set+` FROM v WHERE `+where,
			append(args, extra...)...).Exec(ctx)
		if err != nil {
			return fmt.Errorf("undo quota: %w", err)
		}
		return nil
	}
	if err := undo("contract_lines", "used_total = used_total - v.qty", "contract_lines.id = v.line_id",
		func(id int64) bool { _, ok := totals[id]; return ok }); err != nil {
		return err
	}
	if err := undo("contract_line_usage", "used = used - v.qty", "contract_line_usage.contract_line_id = v.line_id AND organisation_id = ?",
		func(id int64) bool { _, ok := members[id]; return ok }, memberID); err != nil {
		return err
	}
	return quotaConflict(ctx, idb, line, memberID)
}

func quotaConflict(ctx context.Context, idb bun.IDB, lineID, memberID int64) error {
	var row struct {
		Number string `bun:"number"`
		Name   string `bun:"name"`
	}
	err := idb.NewSelect().ColumnExpr("c.number, p.name").TableExpr("contract_lines AS cl").
		Join("JOIN contracts AS c ON c.id = cl.contract_id").Join("JOIN products AS p ON p.id = cl.product_id").
		Where("cl.id = ?", lineID).Scan(ctx, &row)
	if err != nil {
		return apperr.New(apperr.Conflict, "Das Kontingent des Rahmenvertrags reicht nicht mehr aus.")
	}
	return apperr.New(apperr.Conflict, "Das Kontingent für „%s“ aus Rahmenvertrag %s reicht nicht mehr aus.", row.Name, row.Number)
}

// ErrNotReserved is returned by Release when the units to give back are
// not reserved: the contract line or the member's usage row is missing,
// or holds less. It means the caller's books and the quota disagree, so
// the caller's transaction must not commit.
var ErrNotReserved = errors.New("catalog: releasing units that are not reserved")

// Release gives reserved units back (an order rejected or withdrawn),
// inside the caller's transaction: ReleaseMany with one line.
func Release(ctx context.Context, idb bun.IDB, lineID, memberID, quantity int64) error {
	return ReleaseMany(ctx, idb, memberID, []Reservation{{LineID: lineID, Quantity: quantity}})
}

// ReleaseMany gives reserved units of one member back on several contract
// lines, inside the caller's transaction, in two statements. Each line's
// total and the member's usage must hold the units: giving back more than
// is reserved, or for a line or member without a reservation, is
// ErrNotReserved instead of a silent no-op (the caller's transaction must
// not commit then). A quota that falls below a warning level is recorded
// by the quota watch, so that the next rise is a new crossing.
func ReleaseMany(ctx context.Context, idb bun.IDB, memberID int64, rs []Reservation) error {
	for _, r := range rs {
		if r.Quantity <= 0 {
			return fmt.Errorf("release %d units of contract line %d: %w", r.Quantity, r.LineID, ErrNotReserved)
		}
	}
	want, err := byLine(rs)
	if err != nil || len(want) == 0 {
		return err
	}
	p := new(db.Params)
	values := valuesParams(p, want)
	lock := lockLines(idb, p, want)
	var totals []lineTotal
	err = db.ScanPreparedRaw(ctx, idb, &totals, p, `WITH v (line_id, qty) AS (VALUES `+values+`)
		UPDATE contract_lines SET used_total = used_total - v.qty FROM v
		WHERE contract_lines.id = v.line_id AND used_total >= v.qty`+lock+`
		RETURNING id, used_total, quota_total, quota_per_member`)
	if err != nil {
		return fmt.Errorf("release quota: %w", err)
	}
	byID := make(map[int64]lineTotal, len(totals))
	for _, t := range totals {
		byID[t.ID] = t
	}
	if missing := firstMissing(want, func(id int64) bool { _, ok := byID[id]; return ok }); missing != 0 {
		return fmt.Errorf("release units of contract line %d: %w", missing, ErrNotReserved)
	}
	var members []memberUsage
	p = new(db.Params)
	values = valuesParams(p, want)
	err = db.ScanPreparedRaw(ctx, idb, &members, p, `WITH v (line_id, qty) AS (VALUES `+values+`)
		UPDATE contract_line_usage SET used = used - v.qty FROM v
		WHERE contract_line_usage.contract_line_id = v.line_id AND organisation_id = ? AND used >= v.qty
		RETURNING contract_line_id, used, quota`, p.Arg(memberID))
	if err != nil {
		return fmt.Errorf("release member quota: %w", err)
	}
	usage := make(map[int64]memberUsage, len(members))
	for _, m := range members {
		usage[m.LineID] = m
	}
	if missing := firstMissing(want, func(id int64) bool { _, ok := usage[id]; return ok }); missing != 0 {
		return fmt.Errorf("release units of contract line %d for member %d: %w", missing, memberID, ErrNotReserved)
	}
	for _, r := range want {
		t, m := byID[r.LineID], usage[r.LineID]
		if err := crossed(ctx, idb, r.LineID, 0, t.UsedTotal+r.Quantity, t.UsedTotal, t.QuotaTotal); err != nil {
			return err
		}
		if memberID == 0 {
			continue
		}
		quota := m.Quota
		if quota == nil {
			quota = t.QuotaPerMember
		}
		if err := crossed(ctx, idb, r.LineID, memberID, m.Used+r.Quantity, m.Used, quota); err != nil {
			return err
		}
	}
	return nil
}
