package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/job"
	"coopshop/internal/notify"
)

// KindQuotaNotice is the job that mails a quota warning: written in the
// transaction that made a contract line's total or a member's quota pass
// 80 % or 100 % (watch), it works out the recipients with the enforcer and
// enqueues the mails after the commit.
const KindQuotaNotice = "catalog.quota_notice"

// Warning levels of the quota watch, in percent of a quota.
const (
	LevelNone = 0
	LevelWarn = 80
	LevelFull = 100
)

// QuotaLevel is the warning level that used units of quota have reached:
// 100 when it is used up, 80 from 80 %, else 0; 0 without a quota.
func QuotaLevel(used int64, quota *int64) int {
	switch {
	case quota == nil || *quota <= 0:
		return LevelNone
	case used >= *quota:
		return LevelFull
	case used*100 >= *quota*LevelWarn:
		return LevelWarn
	}
	return LevelNone
}

// QuotaNotice is the payload of a KindQuotaNotice job: which quota (member
// 0: the line's total) reached which level, with the figures at the time.
type QuotaNotice struct {
	LineID   int64 `json:"line_id"`
	MemberID int64 `json:"member_id"`
	Level    int   `json:"level"`
	Used     int64 `json:"used"`
	Quota    int64 `json:"quota"`
}

// watch compares the levels of lineID's total and memberID's quota with
// the stored crossing state (quota_watch) after a change of usage or
// quota, inside the caller's transaction (which holds the line's or the
// member's usage row). A level that rose writes a notice job, once per
// rise (the dedupe key counts the rises); a level that fell is stored
// silently, so the next rise is a new crossing.
func watch(ctx context.Context, idb bun.IDB, lineID, memberID int64) error {
	var st struct {
		QuotaTotal  *int64 `bun:"quota_total"`
		UsedTotal   int64  `bun:"used_total"`
		MemberQuota *int64 `bun:"member_quota"`
		MemberUsed  int64  `bun:"member_used"`
	}
	err := idb.NewRaw(`SELECT cl.quota_total, cl.used_total, COALESCE(u.quota, cl.quota_per_member) AS member_quota,
		COALESCE(u.used, 0) AS member_used
		FROM contract_lines AS cl
		LEFT JOIN contract_line_usage AS u ON u.contract_line_id = cl.id AND u.organisation_id = ?
		WHERE cl.id = ?`, memberID, lineID).Scan(ctx, &st)
	if err != nil {
		return fmt.Errorf("quota watch of line %d: %w", lineID, err)
	}
	if err := cross(ctx, idb, lineID, 0, st.UsedTotal, st.QuotaTotal); err != nil {
		return err
	}
	if memberID == 0 {
		return nil
	}
	return cross(ctx, idb, lineID, memberID, st.MemberUsed, st.MemberQuota)
}

// crossed tells the quota watch of a change of a quota's used units from
// before to after, by a reservation or release that holds the quota's row
// (so before is exact): only a change that crosses a warning level
// touches quota_watch, in one upsert. A rise writes a notice job once per
// crossing (the dedupe key counts the rises); a fall is stored silently,
// so that the next rise is a new crossing.
func crossed(ctx context.Context, idb bun.IDB, lineID, memberID, before, after int64, quota *int64) error {
	from, to := QuotaLevel(before, quota), QuotaLevel(after, quota)
	if from == to {
		return nil
	}
	rise := 0
	if to > from {
		rise = 1
	}
	var crossings int64
	err := idb.NewRaw(`INSERT INTO quota_watch (contract_line_id, organisation_id, level, crossings) VALUES (?, ?, ?, ?)
		ON CONFLICT (contract_line_id, organisation_id) DO UPDATE SET level = excluded.level,
			crossings = quota_watch.crossings + CASE WHEN excluded.level > quota_watch.level THEN 1 ELSE 0 END
		WHERE quota_watch.level <> excluded.level
		RETURNING crossings`, lineID, memberID, to, rise).Scan(ctx, &crossings)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the watch stood at that level already
	}
	if err != nil {
		return fmt.Errorf("quota watch: %w", err)
	}
	if rise == 0 {
		return nil
	}
	n := QuotaNotice{LineID: lineID, MemberID: memberID, Level: to, Used: after, Quota: *quota}
	return job.Enqueue(ctx, idb, KindQuotaNotice, n, job.About("contract_line", lineID),
		job.Dedupe(fmt.Sprintf("%s:%d:%d:%d", KindQuotaNotice, lineID, memberID, crossings)))
}

// cross moves one watched quota to its current level.
func cross(ctx context.Context, idb bun.IDB, lineID, memberID, used int64, quota *int64) error {
	level := QuotaLevel(used, quota)
	if _, err := idb.ExecContext(ctx, `INSERT INTO quota_watch (contract_line_id, organisation_id, level, crossings)
		VALUES (?, ?, 0, 0) ON CONFLICT (contract_line_id, organisation_id) DO NOTHING`, lineID, memberID); err != nil {
		return fmt.Errorf("quota watch: %w", err)
	}
	var cur struct {
		Level     int   `bun:"level"`
		Crossings int64 `bun:"crossings"`
	}
	if err := idb.NewSelect().Table("quota_watch").Column("level", "crossings").
		Where("contract_line_id = ? AND organisation_id = ?", lineID, memberID).Scan(ctx, &cur); err != nil {
		return fmt.Errorf("quota watch: %w", err)
	}
	if cur.Level == level {
		return nil
	}
	rise := int64(0)
	if level > cur.Level {
		rise = 1
	}
	if _, err := idb.NewUpdate().Table("quota_watch").Set("level = ?, crossings = crossings + ?", level, rise).
		Where("contract_line_id = ? AND organisation_id = ?", lineID, memberID).Exec(ctx); err != nil {
		return fmt.Errorf("quota watch: %w", err)
	}
	if rise == 0 {
		return nil
	}
	n := QuotaNotice{LineID: lineID, MemberID: memberID, Level: level, Used: used, Quota: *quota}
	return job.Enqueue(ctx, idb, KindQuotaNotice, n, job.About("contract_line", lineID),
		job.Dedupe(fmt.Sprintf("%s:%d:%d:%d", KindQuotaNotice, lineID, memberID, cur.Crossings+1)))
}

// QuotaNoticeJob is the handler of KindQuotaNotice: the catalog managers
// hear of every crossing, the member admins of the member of its own
// quota's (the enforcer's contract quota_notice decides who is which).
func (s *Service) QuotaNoticeJob(ctx context.Context, j *job.Job) error {
	var n QuotaNotice
	if err := j.Decode(&n); err != nil {
		return err
	}
	var info struct {
		ContractID int64  `bun:"contract_id"`
		Number     string `bun:"number"`
		Title      string `bun:"title"`
		SKU        string `bun:"sku"`
		Name       string `bun:"name"`
	}
	err := s.DB.NewSelect().ColumnExpr("c.id AS contract_id, c.number, c.title, p.sku, p.name").TableExpr("contract_lines AS cl").
		Join("JOIN contracts AS c ON c.id = cl.contract_id").Join("JOIN products AS p ON p.id = cl.product_id").
		Where("cl.id = ?", n.LineID).Scan(ctx, &info)
	if err != nil {
		return job.Permanent(fmt.Errorf("quota notice: line %d: %w", n.LineID, err))
	}
	to, err := s.quotaRecipients(ctx, n.MemberID)
	if err != nil {
		return err
	}
	what := "Das Gesamtkontingent"
	if n.MemberID != 0 {
		o, err := account.GetOrganisation(ctx, s.DB, n.MemberID)
		if err != nil {
			return err
		}
		what = "Das Kontingent von " + o.Name
	}
	state := "ist zu 80 % abgerufen"
	subject := "Kontingent zu 80 % abgerufen"
	if n.Level >= LevelFull {
		state, subject = "ist ausgeschöpft", "Kontingent ausgeschöpft"
	}
	body := fmt.Sprintf("%s für %s (%s) aus Rahmenvertrag %s – %s %s: %d von %d abgerufen.\n\n%s/contracts/%d\n",
		what, info.Name, info.SKU, info.Number, info.Title, state, n.Used, n.Quota, strings.TrimRight(s.BaseURL, "/"), info.ContractID)
	msgs := make([]notify.Message, 0, len(to))
	for _, addr := range to {
		msgs = append(msgs, notify.Message{Event: "contract.quota_" + fmt.Sprint(n.Level), To: addr,
			Subject: fmt.Sprintf("%s: %s, %s", subject, info.Number, info.SKU), Body: body, Entity: "contract", EntityID: info.ContractID})
	}
	return notify.EnqueueOnce(ctx, s.DB, fmt.Sprintf("job:%d", j.ID), msgs...)
}

// quotaRecipients lists who hears of a crossing: active users whom the
// enforcer allows contract quota_notice on the member's quota (memberID 0:
// the line's total, which only the provider's side hears of).
func (s *Service) quotaRecipients(ctx context.Context, memberID int64) ([]string, error) {
	var users []account.User
	q := s.DB.NewSelect().Model(&users).Relation("Org").Where("u.active")
	if memberID != 0 {
		q.Where("(org.kind = ? OR u.organisation_id = ?)", account.KindProvider, memberID)
	} else {
		q.Where("org.kind = ?", account.KindProvider)
	}
	if err := q.OrderExpr("u.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("quota notice recipients: %w", err)
	}
	obj := authz.AcrossOrgs("contract")
	if memberID != 0 {
		obj = authz.Object{Kind: "contract", OrgID: memberID}
	}
	var out []string
	for _, u := range users {
		sub := authz.Subject{UserID: u.ID, Email: u.Email, OrgID: u.OrgID, OrgKind: u.Org.Kind, Roles: s.Authz.RolesOf(u.ID, u.OrgID)}
		if s.Authz.Allowed(sub, "quota_notice", obj) {
			out = append(out, u.Email)
		}
	}
	return out, nil
}

// Register adds the quota notice handler to a job runner.
func (s *Service) Register(r *job.Runner) {
	r.Handle(KindQuotaNotice, s.QuotaNoticeJob)
}

// rewatch checks the levels of every quota in use under the contracts,
// after their quotas changed wholesale (a contract edited, a contract-line
// import): reservations only touch quota_watch when they cross a level, so
// a changed quota must bring the stored levels up to date itself.
func rewatch(ctx context.Context, idb bun.IDB, contractIDs []int64) error {
	if len(contractIDs) == 0 {
		return nil
	}
	var inUse []struct {
		LineID   int64 `bun:"contract_line_id"`
		MemberID int64 `bun:"organisation_id"`
	}
	err := idb.NewSelect().TableExpr("contract_line_usage AS u").
		ColumnExpr("u.contract_line_id, u.organisation_id").
		Join("JOIN contract_lines AS cl ON cl.id = u.contract_line_id").
		Where("cl.contract_id IN (?) AND u.used > 0", bun.List(contractIDs)).
		OrderExpr("u.contract_line_id, u.organisation_id").Scan(ctx, &inUse)
	if err != nil {
		return fmt.Errorf("quotas in use: %w", err)
	}
	for _, q := range inUse {
		if err := watch(ctx, idb, q.LineID, q.MemberID); err != nil {
			return err
		}
	}
	return nil
}
