package account_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
)

var linkRE = regexp.MustCompile(`https?://\S+/password\?token=\S+`)

// inviteToken reads the token of the newest one-time link mailed to u.
func inviteToken(t *testing.T, bdb *bun.DB, userID int64, event string) string {
	t.Helper()
	rows, err := notify.ForEntity(context.Background(), bdb, "user", userID)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Event != event {
			continue
		}
		link := linkRE.FindString(rows[i].Body)
		u, err := url.Parse(link)
		if err != nil || link == "" {
			t.Fatalf("no link in %q", rows[i].Body)
		}
		return u.Query().Get("token")
	}
	t.Fatalf("no %s mail to user %d in %+v", event, userID, rows)
	return ""
}

func eurCents(v int64) *int64 { c := v * 100; return &c }

// TestCreateInviteDeactivate: the member admin creates a colleague with
// roles and a limit, the invitation mail carries a one-time link that
// sets a password by the rules (bcrypt cost ≥ 10) once; another member
// and provider roles are refused; deactivation ends sessions and API
// tokens at once.
func TestCreateInviteDeactivate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newUsersFixture(t, bdb)
		ctx := context.Background()
		clk := clock.NewManual(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		f.svc.Clock = clk
		ka := f.principal(t, "kaemmerei@boerde.example")
		boerde, weissen := f.user(t, "einkauf@boerde.example").OrgID, f.user(t, "einkauf@weissenfels.example").OrgID

		refused := []struct {
			name string
			in   account.NewUser
			want apperr.Code
		}{
			{"another member", account.NewUser{Email: "x@weissenfels.example", Name: "X", OrgID: weissen}, apperr.Invalid},
			{"a provider role", account.NewUser{Email: "x@boerde.example", Name: "X", OrgID: boerde, Roles: []string{"admin"}}, apperr.Invalid},
			{"an existing e-mail", account.NewUser{Email: "Einkauf@Boerde.example", Name: "X", OrgID: boerde}, apperr.Invalid},
			{"no name", account.NewUser{Email: "x@boerde.example", OrgID: boerde}, apperr.Invalid},
			{"a negative limit", account.NewUser{Email: "x@boerde.example", Name: "X", OrgID: boerde, ApprovalLimitCents: eurCents(-1)}, apperr.Invalid},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.CreateUser(ctx, ka, tt.in)
				wantUsersCode(t, err, tt.want)
			})
		}
		_, err := f.svc.CreateUser(ctx, f.principal(t, "einkauf@boerde.example"), account.NewUser{Email: "x@boerde.example", Name: "X", OrgID: boerde})
		wantUsersCode(t, err, apperr.Forbidden)

		u, err := f.svc.CreateUser(ctx, ka, account.NewUser{Email: "Neu.Kollege@Boerde.example", Name: "Nils Neu", OrgID: boerde,
			Roles: []string{authz.RoleApprover}, ApprovalLimitCents: eurCents(5000)})
		wantUsersCode(t, err, "")
		if u.Email != "neu.kollege@boerde.example" || *u.ApprovalLimitCents != 500000 || !u.Active {
			t.Fatalf("created %+v", u)
		}
		if roles := f.az.RolesOf(u.ID, boerde); len(roles) != 1 || roles[0] != authz.RoleApprover {
			t.Fatalf("roles %v", roles)
		}
		// No password works before the invitation is taken up.
		if _, err := f.svc.Login(ctx, u.Email, "!", "10.0.0.1"); err == nil {
			t.Fatal("login without a password")
		}
		token := inviteToken(t, bdb, u.ID, "user.invite")
		if lu, err := f.svc.LinkUser(ctx, token); err != nil || lu.ID != u.ID {
			t.Fatalf("link user %v %v", lu, err)
		}
		for _, bad := range []string{"kurz-1", "neu.kollege-2026!", "passwort12345", "aaaaaaaaaaaaaa"} {
			_, err := f.svc.SetPasswordWithLink(ctx, token, bad)
			wantUsersCode(t, err, apperr.Invalid)
		}
		const good = "Grüner Apfel am Fenster 7"
		_, err = f.svc.SetPasswordWithLink(ctx, token, good)
		wantUsersCode(t, err, "")
		_, err = f.svc.SetPasswordWithLink(ctx, token, good+"!")
		wantUsersCode(t, err, apperr.NotFound) // single use
		stored := f.user(t, u.Email)
		if cost, err := bcrypt.Cost([]byte(stored.PasswordHash)); err != nil || cost < 10 {
			t.Fatalf("bcrypt cost %d %v", cost, err)
		}
		p, err := f.svc.Login(ctx, u.Email, good, "10.0.0.1")
		wantUsersCode(t, err, "")

		// Sessions and tokens end at once with the deactivation.
		sess, _, err := f.svc.StartSession(ctx, p.User.ID)
		wantUsersCode(t, err, "")
		tok, _, err := f.svc.IssueToken(ctx, *p)
		wantUsersCode(t, err, "")
		if _, pp, err := f.svc.Authenticate(ctx, sess); err != nil || pp == nil {
			t.Fatalf("session before deactivation: %v", err)
		}
		off := false
		_, err = f.svc.UpdateUser(ctx, ka, u.ID, account.UserChange{Version: stored.Version, Active: &off})
		wantUsersCode(t, err, "")
		if _, pp, err := f.svc.Authenticate(ctx, sess); err == nil && pp != nil {
			t.Fatal("session still works after deactivation")
		}
		if _, err := f.svc.AuthenticateToken(ctx, tok); err == nil {
			t.Fatal("API token still works after deactivation")
		}
		if _, err := f.svc.Login(ctx, u.Email, good, "10.0.0.2"); err == nil {
			t.Fatal("login after deactivation")
		}
		for _, table := range []string{"sessions", "api_tokens"} {
			if n, _ := bdb.NewSelect().Table(table).Where("user_id = ?", u.ID).Count(ctx); n != 0 {
				t.Errorf("%d %s left", n, table)
			}
		}

		// An invitation expires.
		v, err := f.svc.CreateUser(ctx, ka, account.NewUser{Email: "spaet@boerde.example", Name: "Spät", OrgID: boerde, Roles: []string{authz.RolePurchaser}})
		wantUsersCode(t, err, "")
		late := inviteToken(t, bdb, v.ID, "user.invite")
		clk.AddDays(8)
		_, err = f.svc.SetPasswordWithLink(ctx, late, good)
		wantUsersCode(t, err, apperr.NotFound)

		// A password reset by mail, with the same answer for an unknown
		// address.
		wantUsersCode(t, f.svc.RequestPasswordReset(ctx, "niemand@boerde.example"), "")
		wantUsersCode(t, f.svc.RequestPasswordReset(ctx, "einkauf@boerde.example"), "")
		buyer := f.user(t, "einkauf@boerde.example")
		// What the thief of the old password opened ends with the reset:
		// the session and the API token, though the token's principal was
		// cached a moment before.
		thiefSession, _, err := f.svc.StartSession(ctx, buyer.ID)
		wantUsersCode(t, err, "")
		thiefToken, _, err := f.svc.IssueToken(ctx, f.principal(t, buyer.Email))
		wantUsersCode(t, err, "")
		if _, err := f.svc.AuthenticateToken(ctx, thiefToken); err != nil {
			t.Fatalf("token before the reset: %v", err)
		}
		reset := inviteToken(t, bdb, buyer.ID, "user.password_reset")
		_, err = f.svc.SetPasswordWithLink(ctx, reset, "Neues langes Passwort 42")
		wantUsersCode(t, err, "")
		if _, pp, err := f.svc.Authenticate(ctx, thiefSession); err == nil && pp != nil {
			t.Error("a session of before the reset still works")
		}
		if _, err := f.svc.AuthenticateToken(ctx, thiefToken); err == nil {
			t.Error("an API token of before the reset still works")
		}
		_, err = f.svc.Login(ctx, buyer.Email, "Neues langes Passwort 42", "10.0.0.3")
		wantUsersCode(t, err, "")
	})
}

// TestNobodyChangesOwnRolesOrLimit, and changes are versioned and
// audited with before and after.
func TestNobodyChangesOwnRolesOrLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newUsersFixture(t, bdb)
		ctx := context.Background()
		ka := f.principal(t, "kaemmerei@boerde.example")
		admin := f.principal(t, "admin@kid.example")
		self := f.user(t, "kaemmerei@boerde.example")

		_, err := f.svc.UpdateUser(ctx, ka, self.ID, account.UserChange{Version: self.Version, SetLimit: true, ApprovalLimitCents: eurCents(1)})
		wantUsersCode(t, err, apperr.Forbidden)
		roles := []string{authz.RoleMemberAdmin}
		_, err = f.svc.UpdateUser(ctx, ka, self.ID, account.UserChange{Version: self.Version, Roles: &roles})
		wantUsersCode(t, err, apperr.Forbidden)
		wantUsersCode(t, f.svc.SetRoles(ctx, ka, self.ID, self.Version, roles), apperr.Forbidden)
		off := false
		_, err = f.svc.UpdateUser(ctx, ka, self.ID, account.UserChange{Version: self.Version, Active: &off})
		wantUsersCode(t, err, apperr.Forbidden)
		adminSelf := f.user(t, "admin@kid.example")
		_, err = f.svc.UpdateUser(ctx, admin, adminSelf.ID, account.UserChange{Version: adminSelf.Version, Roles: &[]string{authz.RoleAdmin, authz.RoleFinance}})
		wantUsersCode(t, err, apperr.Forbidden)
		// A name is one's own to keep: allowed.
		name := "Käthe Kämmerer-Neu"
		_, err = f.svc.UpdateUser(ctx, ka, self.ID, account.UserChange{Version: self.Version, Name: &name})
		wantUsersCode(t, err, "")

		g := f.user(t, "genehmigung@boerde.example")
		u, err := f.svc.UpdateUser(ctx, ka, g.ID, account.UserChange{Version: g.Version, SetLimit: true, ApprovalLimitCents: eurCents(30000)})
		wantUsersCode(t, err, "")
		if *u.ApprovalLimitCents != 3000000 || u.Version != g.Version+1 {
			t.Fatalf("limit %d version %d", *u.ApprovalLimitCents, u.Version)
		}
		_, err = f.svc.UpdateUser(ctx, ka, g.ID, account.UserChange{Version: g.Version, SetLimit: true})
		wantUsersCode(t, err, apperr.Conflict)
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "user", EntityID: g.ID})
		wantUsersCode(t, err, "")
		found := false
		for _, e := range entries {
			found = found || e.Action == "user.update" && strings.Contains(e.Detail, "25.000,00") && strings.Contains(e.Detail, "30.000,00")
		}
		if !found {
			t.Errorf("no audit entry with the limit before and after: %+v", entries)
		}
		// Another member's user is invisible to the member admin.
		w := f.user(t, "genehmigung@weissenfels.example")
		_, err = f.svc.UpdateUser(ctx, ka, w.ID, account.UserChange{Version: w.Version, SetLimit: true})
		wantUsersCode(t, err, apperr.NotFound)
	})
}

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		password string
		ok       bool
	}{
		{"kurz", false},
		{"elf-Zeichen", false},
		{"zwölf-Zeichen", true},
		{"anna.muster-2026", false}, // contains the e-mail's local part
		{"anna.muster@test.example", false},
		{"Passwort12345", false},
		{"coopshop-demo", false},
		{"zzzzzzzzzzzzzzzz", false},
		{"Drei Hasen im Schnee", true},
	}
	for _, tt := range tests {
		err := account.CheckPasswordRules(tt.password, "Anna.Muster@Test.example")
		if (err == nil) != tt.ok {
			t.Errorf("%q: %v, want ok=%v", tt.password, err, tt.ok)
		}
		if err != nil && apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("%q: code %s", tt.password, apperr.CodeOf(err))
		}
	}
}
