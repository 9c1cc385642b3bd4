package member_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/member"
)

// TestMemberProfile: the member admin edits the own member's Leitweg-ID,
// invoice address, payment contact, Bundesland and reminder period at the
// version seen; another member's is a 404, a purchaser is refused, bad
// input names its field.
func TestMemberProfile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		ka := f.p(t, "kaemmerei@boerde.example")
		st, err := f.members.Editable(ctx, ka, f.boerde)
		if err != nil {
			t.Fatal(err)
		}
		in := member.Profile{LeitwegID: "15083-BOERDE-14", Street: "Gerikestraße 104", Zip: "39340", City: "Haldensleben",
			Email: "rechnung@boerde.example", PaymentContact: "Kreiskasse, Frau Kasse, 03904 7240-0", Bundesland: "ST", ReminderDays: 5}
		bad := []struct {
			name  string
			edit  func(*member.Profile)
			field string
		}{
			{"Leitweg-ID", func(p *member.Profile) { p.LeitwegID = "BOERDE" }, "leitweg_id"},
			{"zip", func(p *member.Profile) { p.Zip = "3934" }, "zip"},
			{"state", func(p *member.Profile) { p.Bundesland = "XX" }, "bundesland"},
			{"reminder period", func(p *member.Profile) { p.ReminderDays = 0 }, "reminder_days"},
		}
		for _, b := range bad {
			p := in
			b.edit(&p)
			_, err := f.members.UpdateProfile(ctx, ka, f.boerde, st.Version, p)
			if apperr.CodeOf(err) != apperr.Invalid || !hasField(err, b.field) {
				t.Errorf("%s: %v", b.name, err)
			}
		}
		_, err = f.members.UpdateProfile(ctx, f.p(t, "einkauf@boerde.example"), f.boerde, st.Version, in)
		wantCode(t, err, apperr.Forbidden)
		_, err = f.members.UpdateProfile(ctx, ka, f.weissen, st.Version, in)
		wantCode(t, err, apperr.NotFound)
		got, err := f.members.UpdateProfile(ctx, ka, f.boerde, st.Version, in)
		wantCode(t, err, "")
		if *got != in {
			t.Fatalf("profile %+v, want %+v", got, in)
		}
		_, err = f.members.UpdateProfile(ctx, ka, f.boerde, st.Version, in)
		wantCode(t, err, apperr.Conflict)
		// Sales reads it (they read the member's orders).
		if p, err := f.members.ProfileOf(ctx, f.p(t, "vertrieb@kid.example"), f.boerde); err != nil || p.Bundesland != "ST" || p.ReminderDays != 5 {
			t.Fatalf("read by sales: %+v %v", p, err)
		}
	})
}

func hasField(err error, field string) bool {
	for _, fe := range apperr.FieldsOf(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}
