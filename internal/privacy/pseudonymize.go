package privacy

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/job"
	"coopshop/internal/notify"
)

// Result is what a pseudonymization did, for the answer and the audit
// entry: never the old name or address.
type Result struct {
	UserID       int64            `json:"user_id"`
	Pseudonym    string           `json:"pseudonym"`
	Email        string           `json:"email"`
	RolesRevoked []string         `json:"roles_revoked"`
	MailsStopped int64            `json:"mails_stopped"`
	Changed      map[string]int64 `json:"changed"` // rows per "table.column"
	Version      int64            `json:"version"`
}

// Pseudonymize ends a departed user's account and replaces their name
// and e-mail address by a stable pseudonym (PseudonymName,
// PseudonymEmail) everywhere coopshop keeps them except in issued
// documents (DocumentTables), at the version of the user the actor saw,
// in one transaction with one audit entry:
//
//   - the account: deactivated, no usable password, roles revoked,
//     sessions, API tokens, open links, Vertretungen, cart and the login
//     throttle's failures deleted;
//   - unsent mails to the user are stopped (failed, with the reason);
//   - the snapshots that name them by id (the deciders of order stages
//     and of quote acceptances, "im Auftrag von", the audit entries'
//     actor address) get the pseudonym;
//   - then every text column of every other table is swept for the old
//     address and name (JSON details of audit entries, mail and document
//     jobs, free texts, an organisation's contact address …).
//
// The audit trail keeps every entry: entries name their actor by id
// (actor_id), the address beside it is a snapshot that now reads the
// pseudonym, and the user.pseudonymize entry says when and by whom this
// happened (internal/audit keeps no hash chain that the rewrite could
// break). The member admin pseudonymizes users of the own member, admin
// anyone's; nobody themselves.
func (s *Service) Pseudonymize(ctx context.Context, actor account.Principal, userID, version int64) (*Result, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	if err := s.Authz.Can(ctx, actor.Subject, "pseudonymize", authz.On("user")); err != nil {
		return nil, err
	}
	target, err := s.Accounts.ManagedUser(ctx, actor, userID)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "pseudonymize", authz.Object{Kind: "user", ID: target.ID, OrgID: target.OrgID}); err != nil {
		if target.ID == actor.User.ID {
			return nil, apperr.Wrap(err, apperr.Forbidden, "Das eigene Konto kann niemand selbst pseudonymisieren.")
		}
		return nil, err
	}
	if IsPseudonymized(target) {
		return nil, apperr.New(apperr.Conflict, "Dieser Benutzer ist bereits pseudonymisiert.")
	}
	oldName, oldEmail := target.Name, target.Email
	res := &Result{UserID: target.ID, Pseudonym: PseudonymName(target.ID), Email: PseudonymEmail(target.ID),
		RolesRevoked: s.Authz.RolesOf(target.ID, target.OrgID), Version: version + 1}
	if res.RolesRevoked == nil {
		res.RolesRevoked = []string{}
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		upd, err := tx.NewUpdate().Model((*account.User)(nil)).
			Set("name = ?, email = ?, password_hash = '!', active = ?, failed_logins = 0", res.Pseudonym, res.Email, false).
			Set("version = version + 1").
			Where("id = ? AND version = ?", target.ID, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("pseudonymize user %d: %w", target.ID, err)
		}
		if n, _ := upd.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Der Benutzer wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		if err := account.EndAccount(ctx, tx, target.ID); err != nil {
			return err
		}
		for _, r := range res.RolesRevoked {
			if err := authz.Revoke(ctx, tx, target.ID, target.OrgID, r); err != nil {
				return err
			}
		}
		if err := account.ForgetLoginFailures(ctx, tx, oldEmail); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM carts WHERE user_id = ?)", "DELETE FROM carts WHERE user_id = ?"} {
			if _, err := tx.NewRaw(q, target.ID).Exec(ctx); err != nil {
				return fmt.Errorf("delete cart: %w", err)
			}
		}
		if res.MailsStopped, err = stopMails(ctx, tx, oldEmail); err != nil {
			return err
		}
		res.Changed, err = s.replaceSnapshots(ctx, tx, target.ID, res.Pseudonym, res.Email)
		if err != nil {
			return err
		}
		pairs := [][2]string{{oldEmail, res.Email}}
		if sweepable(oldName) {
			pairs = append(pairs, [2]string{oldName, res.Pseudonym})
		}
		swept, err := sweep(ctx, tx, pairs, map[string]bool{"users.*": true})
		if err != nil {
			return err
		}
		for k, n := range swept {
			res.Changed[k] += n
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "user.pseudonymize", Entity: "user", EntityID: target.ID,
			Version: res.Version, OrgID: target.OrgID, Detail: map[string]any{"pseudonym": res.Pseudonym, "email": res.Email,
				"roles_revoked": res.RolesRevoked, "mails_stopped": res.MailsStopped, "changed": sortedCounts(res.Changed)}})
	})
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Reload(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// replaceSnapshots writes the pseudonym into the columns that copy a
// user's name or address next to their id.
func (s *Service) replaceSnapshots(ctx context.Context, tx bun.IDB, id int64, name, email string) (map[string]int64, error) {
	changed := map[string]int64{}
	for _, u := range []struct {
		key, sql string
		args     []any
	}{
		{"order_stages.decided_by_name", "UPDATE order_stages SET decided_by_name = ?, decided_by_email = ? WHERE decided_by = ?", []any{name, email, id}},
		{"order_stages.on_behalf_of_name", "UPDATE order_stages SET on_behalf_of_name = ? WHERE on_behalf_of = ?", []any{name, id}},
		{"quote_member_approvals.decided_by_name", "UPDATE quote_member_approvals SET decided_by_name = ? WHERE decided_by = ?", []any{name, id}},
		{"quote_member_approvals.on_behalf_of_name", "UPDATE quote_member_approvals SET on_behalf_of_name = ? WHERE on_behalf_of = ?", []any{name, id}},
		{"audit_log.actor_email", "UPDATE audit_log SET actor_email = ? WHERE actor_id = ?", []any{email, id}},
	} {
		r, err := tx.NewRaw(u.sql, u.args...).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("pseudonymize %s: %w", u.key, err)
		}
		if n, _ := r.RowsAffected(); n > 0 {
			changed[u.key] = n
		}
	}
	return changed, nil
}

// stopMails fails the mails to email that are not sent yet: nobody reads
// that address any more, and its replacement is unroutable.
func stopMails(ctx context.Context, tx bun.IDB, email string) (int64, error) {
	to := "json_extract(payload, '$.to')"
	if tx.Dialect().Name() == dialect.PG {
		to = "payload->>'to'"
	}
	r, err := tx.NewUpdate().Model((*job.Job)(nil)).
		Set("state = ?, last_error = ?", job.StateFailed, "Empfänger pseudonymisiert (DSGVO Art. 17), nicht gesendet").
		Where("kind = ? AND state IN (?) AND "+to+" = ?", notify.KindMail, bun.List([]job.State{job.StatePending, job.StateRunning}), email).
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("stop mails: %w", err)
	}
	n, _ := r.RowsAffected()
	return n, nil
}

// sortedCounts is counts as "table.column: rows" in a stable order, for
// the audit entry.
func sortedCounts(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k, n := range m {
		out = append(out, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(out)
	return out
}

// minSweepName is the shortest name the sweep replaces in free text: a
// shorter one ("Jo") would hit words that are no name. Such a name is
// replaced only where a column names the user by id.
const minSweepName = 5

// sweepable tells whether name is long enough to be swept for.
func sweepable(name string) bool { return len([]rune(name)) >= minSweepName }
