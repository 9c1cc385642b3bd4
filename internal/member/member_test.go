package member_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/member"
)

// TestSettingsVisibility: who may read a member's settings. Readers of the
// member's orders and its managers may; another member's settings are a
// 404; a provider role without either permission is refused.
func TestSettingsVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		tests := []struct {
			name      string
			email     string
			member    int64
			want      apperr.Code
			canManage bool
		}{
			{"member admin, own member", "kaemmerei@boerde.example", f.boerde, "", true},
			{"purchaser, own member (checkout)", "einkauf@boerde.example", f.boerde, "", false},
			{"member admin, another member", "kaemmerei@boerde.example", f.weissen, apperr.NotFound, false},
			{"purchaser, another member", "einkauf@weissenfels.example", f.boerde, apperr.NotFound, false},
			{"sales reads every member's chain", "vertrieb@kid.example", f.weissen, "", false},
			{"provider admin manages every member", "admin@kid.example", f.weissen, "", true},
			{"catalog manager: a provider role without the permission", "katalog@kid.example", f.boerde, apperr.NotFound, false},
			{"the provider has no member settings", "admin@kid.example", f.provider, apperr.NotFound, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, err := f.members.Settings(ctx, f.p(t, tt.email), tt.member)
				wantCode(t, err, tt.want)
				if err != nil {
					return
				}
				if st.MemberID != tt.member || st.CanManage != tt.canManage {
					t.Fatalf("member %d can manage %v", st.MemberID, st.CanManage)
				}
			})
		}
		// The demo chain of Börde comes back by stage.
		st, err := f.members.Settings(ctx, f.p(t, "kaemmerei@boerde.example"), f.boerde)
		wantCode(t, err, "")
		if len(st.Rules) != 2 || st.Rules[0].StageNo != 1 || len(st.ActiveCentres) == 0 || len(st.ActiveAddresses) == 0 {
			t.Fatalf("settings %+v", st)
		}
	})
}

// TestSettingsAskTheEnforcer: the provider's admin manages members'
// settings because the policy says so, not because of the organisation it
// belongs to: without the policy line the same user is refused everywhere.
func TestSettingsAskTheEnforcer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		admin := f.p(t, "admin@kid.example")
		if _, err := f.members.Editable(ctx, admin, f.boerde); err != nil {
			t.Fatalf("admin with the permission: %v", err)
		}
		f.dropPermission(t, "admin", "settings", "manage")
		admin = f.p(t, "admin@kid.example")
		_, err := f.members.Editable(ctx, admin, f.boerde)
		wantCode(t, err, apperr.Forbidden)
		_, err = f.members.AddCostCentre(ctx, admin, f.boerde, member.CostCentreInput{Code: "9000", Name: "Test"})
		wantCode(t, err, apperr.Forbidden)
		if got, _ := f.members.Manageable(ctx, admin); len(got) != 0 {
			t.Fatalf("manageable without the permission: %v", got)
		}
		// The admin still reads the members' orders, so the chain stays
		// readable (the checkout and the order pages need it).
		if _, err := f.members.Settings(ctx, admin, f.boerde); err != nil {
			t.Fatalf("read: %v", err)
		}
	})
}

// TestManageRefused: every change to another member's settings is a 404
// and changes nothing; a role without the permission is refused; nothing
// is audited for refused changes.
func TestManageRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		boerdeAdmin := f.p(t, "kaemmerei@boerde.example")
		// One cost centre and one address of Weißenfels to aim at.
		weissenCC, err := member.ActiveCostCentres(ctx, bdb, f.weissen)
		if err != nil || len(weissenCC) == 0 {
			t.Fatalf("Weißenfels cost centres %v %v", weissenCC, err)
		}
		st, err := f.members.Settings(ctx, f.p(t, "einkauf@weissenfels.example"), f.weissen)
		if err != nil || len(st.ActiveAddresses) == 0 {
			t.Fatalf("Weißenfels settings %v", err)
		}
		weissenAddr := st.ActiveAddresses[0]
		changes := map[string]func(actor string, memberID int64) error{
			"set rules": func(actor string, memberID int64) error {
				_, err := f.members.SetRules(ctx, f.p(t, actor), memberID, 1, nil)
				return err
			},
			"add cost centre": func(actor string, memberID int64) error {
				_, err := f.members.AddCostCentre(ctx, f.p(t, actor), memberID, member.CostCentreInput{Code: "9000", Name: "Test"})
				return err
			},
			"update cost centre": func(actor string, memberID int64) error {
				_, err := f.members.UpdateCostCentre(ctx, f.p(t, actor), memberID, weissenCC[0].ID, weissenCC[0].Version, member.CostCentreInput{Code: "9001", Name: "Test"})
				return err
			},
			"delete cost centre": func(actor string, memberID int64) error {
				return f.members.DeleteCostCentre(ctx, f.p(t, actor), memberID, weissenCC[0].ID)
			},
			"add address": func(actor string, memberID int64) error {
				_, err := f.members.AddAddress(ctx, f.p(t, actor), memberID, member.AddressInput{Label: "Test", Address: "Markt 2"})
				return err
			},
			"update address": func(actor string, memberID int64) error {
				_, err := f.members.UpdateAddress(ctx, f.p(t, actor), memberID, weissenAddr.ID, weissenAddr.Version, member.AddressInput{Label: "Test", Address: "Markt 2"})
				return err
			},
			"delete address": func(actor string, memberID int64) error {
				return f.members.DeleteAddress(ctx, f.p(t, actor), memberID, weissenAddr.ID)
			},
		}
		refusals := []struct {
			name   string
			actor  string
			member int64
			want   apperr.Code
		}{
			{"Börde's admin on Weißenfels", boerdeAdmin.User.Email, f.weissen, apperr.NotFound},
			{"purchaser of the member itself", "einkauf@weissenfels.example", f.weissen, apperr.Forbidden},
			{"sales: a provider role that reads but may not manage", "vertrieb@kid.example", f.weissen, apperr.Forbidden},
			{"catalog manager: a provider role without the permission", "katalog@kid.example", f.weissen, apperr.NotFound},
		}
		audited := f.auditCount(t, "cost_centre.update") + f.auditCount(t, "cost_centre.delete") + f.auditCount(t, "delivery_address.update")
		for _, r := range refusals {
			for name, change := range changes {
				t.Run(r.name+"/"+name, func(t *testing.T) {
					wantCode(t, change(r.actor, r.member), r.want)
				})
			}
		}
		// Börde's admin aims at Weißenfels' rows through Börde's own path.
		for _, name := range []string{"update cost centre", "delete cost centre", "update address", "delete address"} {
			wantCode(t, changes[name](boerdeAdmin.User.Email, f.boerde), apperr.NotFound)
		}
		after, err := member.ActiveCostCentres(ctx, bdb, f.weissen)
		if err != nil || len(after) != len(weissenCC) || after[0] != weissenCC[0] {
			t.Fatalf("Weißenfels cost centres changed: %v %v", after, err)
		}
		if now := f.auditCount(t, "cost_centre.update") + f.auditCount(t, "cost_centre.delete") + f.auditCount(t, "delivery_address.update"); now != audited {
			t.Fatalf("refused changes were audited: %d → %d", audited, now)
		}
	})
}

// TestChangesAreVersionedAndAudited: the admin's changes, a stale version
// (409), duplicates (422) and the audit entry of each change.
func TestChangesAreVersionedAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		admin := f.p(t, "kaemmerei@boerde.example")

		st, err := f.members.Editable(ctx, admin, f.boerde)
		wantCode(t, err, "")
		rules, err := f.members.SetRules(ctx, admin, f.boerde, st.Version, []member.RuleInput{{Stage: 1, Role: "member_admin", MinGrossCents: 0}})
		wantCode(t, err, "")
		if len(rules) != 1 || rules[0].Role != "member_admin" {
			t.Fatalf("rules %+v", rules)
		}
		_, err = f.members.SetRules(ctx, admin, f.boerde, st.Version, nil) // stale
		wantCode(t, err, apperr.Conflict)
		_, err = f.members.SetRules(ctx, admin, f.boerde, st.Version+1, []member.RuleInput{{Stage: 1, Role: "purchaser"}, {Stage: 1, Role: "approver", MinGrossCents: -1}})
		wantCode(t, err, apperr.Invalid)
		if n := len(apperr.FieldsOf(err)); n != 3 {
			t.Errorf("%d field errors, want 3: %v", n, apperr.FieldsOf(err))
		}
		if n := f.auditCount(t, "approval_rules.update"); n != 1 {
			t.Errorf("%d audit entries for the rules", n)
		}

		cc, err := f.members.AddCostCentre(ctx, admin, f.boerde, member.CostCentreInput{Code: " 9000 ", Name: "Testamt"})
		wantCode(t, err, "")
		if cc.Code != "9000" || !cc.Active || cc.Version != 1 {
			t.Fatalf("cost centre %+v", cc)
		}
		_, err = f.members.AddCostCentre(ctx, admin, f.boerde, member.CostCentreInput{Code: "9000", Name: "Doppelt"})
		wantCode(t, err, apperr.Invalid)
		off := false
		cc2, err := f.members.UpdateCostCentre(ctx, admin, f.boerde, cc.ID, cc.Version, member.CostCentreInput{Code: "9000", Name: "Testamt neu", Active: &off})
		wantCode(t, err, "")
		if cc2.Version != 2 || cc2.Active || cc2.Name != "Testamt neu" {
			t.Fatalf("updated %+v", cc2)
		}
		_, err = f.members.UpdateCostCentre(ctx, admin, f.boerde, cc.ID, cc.Version, member.CostCentreInput{Code: "9000", Name: "x"})
		wantCode(t, err, apperr.Conflict)
		wantCode(t, f.members.DeleteCostCentre(ctx, admin, f.boerde, cc.ID), "")
		wantCode(t, f.members.DeleteCostCentre(ctx, admin, f.boerde, cc.ID), apperr.NotFound)

		a, err := f.members.AddAddress(ctx, admin, f.boerde, member.AddressInput{Label: "Lager", Address: "Hof 1\r\n39340 Haldensleben"})
		wantCode(t, err, "")
		if a.Text() != "Lager\nHof 1\n39340 Haldensleben" {
			t.Fatalf("address %q", a.Text())
		}
		got, err := member.ActiveAddress(ctx, bdb, f.boerde, a.ID)
		wantCode(t, err, "")
		if got.ID != a.ID {
			t.Fatalf("active address %+v", got)
		}
		_, err = member.ActiveAddress(ctx, bdb, f.weissen, a.ID) // another member's
		wantCode(t, err, apperr.NotFound)
		wantCode(t, f.members.DeleteAddress(ctx, admin, f.boerde, a.ID), "")
		for action, want := range map[string]int{"cost_centre.create": 1, "cost_centre.update": 1, "cost_centre.delete": 1, "delivery_address.create": 1, "delivery_address.delete": 1} {
			if n := f.auditCount(t, action); n != want {
				t.Errorf("%d audit entries %s, want %d", n, action, want)
			}
		}
	})
}
