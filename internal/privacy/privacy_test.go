package privacy_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/apperr"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/document"
	"coopshop/internal/job"
	"coopshop/internal/notify"
	"coopshop/internal/privacy"
	"coopshop/internal/webtest"
)

func principal(t *testing.T, a *app.App, email string) *account.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, a.DB, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Accounts.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newApp is the app on the full demo, as `coopshop seed` makes it:
// accounts, orders in every state, quotations, invoices, provisioning and
// subscriptions.
func newApp(t *testing.T, bdb *bun.DB) *app.App {
	t.Helper()
	a := webtest.New(t, bdb)
	if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders,
		Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices, Provision: a.Provision, Subscriptions: a.Subscriptions}); err != nil {
		t.Fatal(err)
	}
	return a
}

// code is the error's code, "" for none.
func code(err error) apperr.Code {
	if err == nil {
		return ""
	}
	return apperr.CodeOf(err)
}

func ids(t *testing.T, bdb bun.IDB, query string, args ...any) []int64 {
	t.Helper()
	var out []int64
	if err := bdb.NewRaw(query, args...).Scan(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// The export of a demo user names every order they requested and every
// approval and quote acceptance they decided (in their own name, as a
// deputy, or that a deputy decided for them), and no secret.
func TestExportHasEveryOrderAndDecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := newApp(t, bdb)
		ctx := context.Background()
		admin := principal(t, a, "admin@kid.example")
		// The Kämmerei names Gerd Günther her deputy, who decides stage 2
		// of the large Börde order in her name.
		kaemmerei := principal(t, a, "kaemmerei@boerde.example")
		deputy := principal(t, a, "genehmigung@boerde.example")
		today := clock.Today(a.Clock)
		if _, err := a.Accounts.SetDeputy(ctx, *kaemmerei, kaemmerei.User.ID, account.DeputyInput{DeputyUserID: deputy.User.ID, From: today, To: today.AddDays(7)}); err != nil {
			t.Fatal(err)
		}
		var open struct {
			ID      int64 `bun:"id"`
			Version int64 `bun:"version"`
		}
		if err := bdb.NewRaw(`SELECT o.id, o.version FROM orders AS o
			JOIN order_stages AS s ON s.order_id = o.id AND s.round = o.round AND s.stage_no = o.current_stage
			WHERE o.state = 'submitted' AND s.role = 'member_admin' ORDER BY o.id LIMIT 1`).Scan(ctx, &open); err != nil {
			t.Fatalf("no order waits for the Kämmerei: %v", err)
		}
		if _, err := a.Orders.Approve(ctx, *principal(t, a, "genehmigung@boerde.example"), open.ID, open.Version, "In Vertretung freigegeben."); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, email := range []string{"einkauf@boerde.example", "genehmigung@boerde.example", "kaemmerei@boerde.example", "amtsleitung@boerde.example", "einkauf@weissenfels.example", "genehmigung@weissenfels.example"} {
			u := principal(t, a, email).User
			if _, _, err := a.Accounts.IssueTokenFrom(ctx, *principal(t, a, email), "192.0.2.5"); err != nil {
				t.Fatal(err)
			}
			ex, err := a.Privacy.Export(ctx, *admin, u.ID)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			if ex.Profile.Email != email || ex.Profile.Name != u.Name || len(ex.Roles) == 0 {
				t.Errorf("%s: profile %+v roles %v", email, ex.Profile, ex.Roles)
			}
			var orders []int64
			for _, o := range ex.OrdersRequested {
				orders = append(orders, o.ID)
			}
			slices.Sort(orders)
			if want := ids(t, bdb, "SELECT id FROM orders WHERE requester_id = ?", u.ID); !slices.Equal(orders, want) {
				t.Errorf("%s: orders requested %v, want %v", email, orders, want)
			}
			var stages []int64
			for _, s := range ex.Approvals {
				if s.DecidedBy == nil && s.OnBehalfOf == nil {
					t.Errorf("%s: undecided stage in the export: %+v", email, s)
				}
				stages = append(stages, s.OrderID*1000+int64(s.Round)*10+int64(s.Stage))
				seen["approval "+s.As] = true
			}
			slices.Sort(stages)
			want := ids(t, bdb, "SELECT order_id * 1000 + round * 10 + stage_no FROM order_stages WHERE decided_by = ? OR on_behalf_of = ?", u.ID, u.ID)
			if !slices.Equal(stages, want) {
				t.Errorf("%s: approvals %v, want %v", email, stages, want)
			}
			var quotes []int64
			for _, d := range ex.QuoteDecisions {
				quotes = append(quotes, d.QuoteID*10+int64(d.Stage))
			}
			slices.Sort(quotes)
			if want := ids(t, bdb, "SELECT quote_id * 10 + stage_no FROM quote_member_approvals WHERE decided_by = ? OR on_behalf_of = ?", u.ID, u.ID); !slices.Equal(quotes, want) {
				t.Errorf("%s: quote decisions %v, want %v", email, quotes, want)
			}
			if len(ex.APITokens) != 1 || ex.APITokens[0].Address != "192.0.2.5" {
				t.Errorf("%s: api tokens %+v, want 1 from 192.0.2.5", email, ex.APITokens)
			}
			var actorEntries int
			for _, e := range ex.Audit {
				if e.As == "actor" {
					actorEntries++
				}
			}
			if want := len(ids(t, bdb, "SELECT id FROM audit_log WHERE actor_id = ? AND action NOT IN ('user.login', 'user.login_failed')", u.ID)); actorEntries != want {
				t.Errorf("%s: %d audit entries as actor, want %d", email, actorEntries, want)
			}
			raw, _ := json.Marshal(ex)
			var hash string
			if err := bdb.NewRaw("SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(ctx, &hash); err != nil {
				t.Fatal(err)
			}
			var tokenHash string
			if err := bdb.NewRaw("SELECT token_hash FROM api_tokens WHERE user_id = ?", u.ID).Scan(ctx, &tokenHash); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), hash) || strings.Contains(string(raw), tokenHash) || strings.Contains(string(raw), "password") {
				t.Errorf("%s: the export holds a secret", email)
			}
		}
		// The demo covers every capacity: own decisions, a deputy's, and
		// one a deputy took for the principal; the requester's orders.
		for _, k := range []string{"approval self", "approval deputy", "approval principal"} {
			if !seen[k] {
				t.Errorf("no %s among the demo users' exports", k)
			}
		}
	})
}

// Who may export and pseudonymize whom: the member admin its own
// member's users (another member's is a 404), admin anyone, the auditor
// and a purchaser nobody, nobody themselves.
func TestExportAndPseudonymizeAuthorization(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := newApp(t, bdb)
		ctx := context.Background()
		own := principal(t, a, "einkauf@boerde.example").User
		other := principal(t, a, "einkauf@weissenfels.example").User
		kaemmerei := principal(t, a, "kaemmerei@boerde.example")
		tests := []struct {
			actor  string
			target *account.User
			want   apperr.Code
		}{
			{"kaemmerei@boerde.example", own, ""},
			{"kaemmerei@boerde.example", other, apperr.NotFound},
			{"admin@kid.example", other, ""},
			{"revision@kid.example", own, apperr.Forbidden},
			{"einkauf@boerde.example", own, apperr.Forbidden},
			{"genehmigung@boerde.example", own, apperr.Forbidden},
		}
		for _, tt := range tests {
			_, err := a.Privacy.Export(ctx, *principal(t, a, tt.actor), tt.target.ID)
			if got := code(err); got != tt.want {
				t.Errorf("%s exports %s: %v (%v), want %q", tt.actor, tt.target.Email, got, err, tt.want)
			}
		}
		// Pseudonymization: the version is required, a stale one is a
		// conflict, oneself is forbidden, another member's user unknown.
		if _, err := a.Privacy.Pseudonymize(ctx, *kaemmerei, own.ID, 0); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("without version: %v", err)
		}
		if _, err := a.Privacy.Pseudonymize(ctx, *kaemmerei, own.ID, own.Version+1); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale version: %v", err)
		}
		if _, err := a.Privacy.Pseudonymize(ctx, *kaemmerei, kaemmerei.User.ID, kaemmerei.User.Version); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("oneself: %v", err)
		}
		if _, err := a.Privacy.Pseudonymize(ctx, *kaemmerei, other.ID, other.Version); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another member's user: %v", err)
		}
		if _, err := a.Privacy.Pseudonymize(ctx, *principal(t, a, "revision@kid.example"), own.ID, own.Version); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("auditor: %v", err)
		}
		res, err := a.Privacy.Pseudonymize(ctx, *kaemmerei, own.ID, own.Version)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Privacy.Pseudonymize(ctx, *kaemmerei, own.ID, res.Version); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("twice: %v", err)
		}
		// The account stays ended: no reactivation, no new name or role.
		active, name := true, "Birgit Böhm"
		if _, err := a.Accounts.UpdateUser(ctx, *kaemmerei, own.ID, account.UserChange{Version: res.Version, Active: &active}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("reactivated: %v", err)
		}
		if _, err := a.Accounts.UpdateUser(ctx, *kaemmerei, own.ID, account.UserChange{Version: res.Version, Name: &name}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("renamed: %v", err)
		}
		if err := a.Accounts.SetRoles(ctx, *kaemmerei, own.ID, res.Version, []string{"purchaser"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("roles again: %v", err)
		}
	})
}

// After the pseudonymization of a requester and of an approver, their
// names and addresses are nowhere in the database – every text column of
// every table scanned – but in the issued documents, whose bytes and
// SHA-256 are unchanged; the accounts are closed; the approval history
// names the pseudonym; the audit trail keeps every entry.
func TestPseudonymizeLeavesNoTrace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := newApp(t, bdb)
		ctx := context.Background()
		// Issue the documents and send the mails the demo's steps wrote.
		if _, err := a.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var docs []document.Stored
		if err := bdb.NewSelect().Model(&docs).OrderExpr("id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(docs) == 0 {
			t.Fatal("the demo issued no documents")
		}
		var auditBefore int
		if err := bdb.NewRaw("SELECT COUNT(*) FROM audit_log").Scan(ctx, &auditBefore); err != nil {
			t.Fatal(err)
		}
		admin := principal(t, a, "admin@kid.example")
		type gone struct {
			id          int64
			name, email string
		}
		var people []gone
		for _, email := range []string{"einkauf@boerde.example", "genehmigung@boerde.example"} {
			p := principal(t, a, email)
			people = append(people, gone{p.User.ID, p.User.Name, p.User.Email})
			// A session, a token, a failed login and a mail not yet sent.
			if _, _, err := a.Accounts.StartSession(ctx, p.User.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Accounts.Login(ctx, email, "wrong", "192.0.2.7"); err == nil {
				t.Fatal("wrong password accepted")
			}
			if err := notify.Enqueue(ctx, bdb, notify.Message{Event: "test", To: email, Subject: "Hallo " + p.User.Name, Body: "Text", Entity: "user", EntityID: p.User.ID}); err != nil {
				t.Fatal(err)
			}
			res, err := a.Privacy.Pseudonymize(ctx, *admin, p.User.ID, p.User.Version)
			if err != nil {
				t.Fatal(err)
			}
			if res.Pseudonym != privacy.PseudonymName(p.User.ID) || res.MailsStopped != 1 || len(res.RolesRevoked) == 0 {
				t.Errorf("%s: result %+v", email, res)
			}
		}
		cols, err := privacy.TextColumns(ctx, bdb)
		if err != nil {
			t.Fatal(err)
		}
		if len(cols) < 100 {
			t.Fatalf("only %d text columns found", len(cols))
		}
		documentTables := privacy.DocumentTables()
		for _, g := range people {
			for _, needle := range []string{g.name, g.email} {
				for _, col := range cols {
					n, err := privacy.CountContaining(ctx, bdb, col, needle)
					if err != nil {
						t.Fatal(err)
					}
					if n > 0 && documentTables[col.Table] == "" {
						t.Errorf("%q still in %s.%s (%d rows)", needle, col.Table, col.Name, n)
					}
				}
			}
			u, err := account.GetUser(ctx, bdb, g.id)
			if err != nil {
				t.Fatal(err)
			}
			if u.Active || u.Name != privacy.PseudonymName(g.id) || u.Email != privacy.PseudonymEmail(g.id) || !strings.HasSuffix(u.Email, "@invalid") {
				t.Errorf("user %d after: %+v", g.id, u)
			}
			if len(a.Authz.RolesOf(u.ID, u.OrgID)) != 0 {
				t.Errorf("user %d keeps roles %v", g.id, a.Authz.RolesOf(u.ID, u.OrgID))
			}
			for _, table := range []string{"sessions", "api_tokens", "user_tokens", "carts"} {
				if n := len(ids(t, bdb, "SELECT 1 FROM "+table+" WHERE user_id = ?", g.id)); n != 0 {
					t.Errorf("user %d keeps %d rows in %s", g.id, n, table)
				}
			}
			for _, email := range []string{g.email, u.Email} {
				if _, err := a.Accounts.Login(ctx, email, demo.Password, "192.0.2.8"); apperr.CodeOf(err) != apperr.Unauthorized {
					t.Errorf("login as %s after pseudonymization: %v", email, err)
				}
			}
		}
		// Issued documents are untouched and their checksums verify.
		var after []document.Stored
		if err := bdb.NewSelect().Model(&after).OrderExpr("id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(after) != len(docs) {
			t.Fatalf("%d documents after, %d before", len(after), len(docs))
		}
		for i, d := range after {
			if d.SHA256 != docs[i].SHA256 || document.Checksum(d.Bytes) != d.SHA256 {
				t.Errorf("document %s changed or does not verify", d.Number)
			}
		}
		// The mails not sent to them are stopped.
		var stopped int
		if err := bdb.NewRaw("SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = ? AND last_error LIKE 'Empfänger pseudonymisiert%'", notify.KindMail, job.StateFailed).Scan(ctx, &stopped); err != nil {
			t.Fatal(err)
		}
		if stopped != 2 {
			t.Errorf("%d mails stopped, want 2", stopped)
		}
		// The approval history names the pseudonym as who decided.
		approver := people[1]
		var orderID int64
		if err := bdb.NewRaw("SELECT MIN(order_id) FROM order_stages WHERE decided_by = ?", approver.id).Scan(ctx, &orderID); err != nil || orderID == 0 {
			t.Fatalf("no order decided by the approver: %v", err)
		}
		o, err := a.Orders.Get(ctx, *admin, orderID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, st := range o.Stages {
			if st.DecidedBy != nil && *st.DecidedBy == approver.id {
				found = true
				if st.DecidedByName != privacy.PseudonymName(approver.id) || st.DecidedByLabel() != privacy.PseudonymName(approver.id) {
					t.Errorf("stage decided by %q", st.DecidedByLabel())
				}
			}
		}
		if !found {
			t.Error("the approval history lost who decided")
		}
		// The audit trail keeps every entry and adds one per person.
		var auditAfter int
		if err := bdb.NewRaw("SELECT COUNT(*) FROM audit_log").Scan(ctx, &auditAfter); err != nil {
			t.Fatal(err)
		}
		// + one pseudonymization and one failed login each before, and
		// one failed login with the pseudonym after.
		if want := auditBefore + 3*len(people); auditAfter != want {
			t.Errorf("audit entries %d after, want %d", auditAfter, want)
		}
		if n := len(ids(t, bdb, "SELECT id FROM audit_log WHERE action = 'user.pseudonymize'")); n != 2 {
			t.Errorf("%d pseudonymization entries, want 2", n)
		}
	})
}

// Eight admins pseudonymize the same user at the same version at once on
// PostgreSQL: exactly one succeeds, the others get a conflict, and the
// trail has one entry.
func TestPseudonymizeConcurrently(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	a := webtest.New(t, bdb)
	ctx := context.Background()
	admin := principal(t, a, "admin@kid.example")
	u := principal(t, a, "einkauf@weissenfels.example").User
	const n = 8
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			_, err := a.Privacy.Pseudonymize(ctx, *admin, u.ID, u.Version)
			errs <- err
		}()
	}
	close(start)
	ok := 0
	for range n {
		err := <-errs
		switch code(err) {
		case "":
			ok++
		case apperr.Conflict:
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d succeeded, want 1", ok)
	}
	if got := len(ids(t, bdb, "SELECT id FROM audit_log WHERE action = 'user.pseudonymize' AND entity_id = ?", u.ID)); got != 1 {
		t.Errorf("%d audit entries, want 1", got)
	}
}

// Every column the schema declares as a reference to a user is covered by
// the export, so that a table added later that names users cannot be
// forgotten silently (the schema is the same on both databases).
func TestExportCoversEveryReferenceToUsers(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	var refs []struct {
		Table  string `bun:"tbl"`
		Column string `bun:"col"`
	}
	err := bdb.NewRaw(`SELECT m.name AS tbl, f."from" AS col FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
		WHERE m.type = 'table' AND f."table" = 'users' ORDER BY 1, 2`).Scan(ctx, &refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 20 {
		t.Fatalf("only %d references to users found", len(refs))
	}
	covered := privacy.CoveredUserColumns()
	for _, r := range refs {
		if !slices.Contains(covered, r.Table+"."+r.Column) {
			t.Errorf("%s.%s names a user but the export does not cover it", r.Table, r.Column)
		}
	}
}
