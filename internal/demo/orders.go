package demo

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/member"
)

// The members' order settings: approval chains, cost centres and delivery
// addresses. Landkreis Börde has the two-stage chain of DESIGN §3.
func init() { Steps = append(Steps, seedOrderSettings) }

type memberSettings struct {
	rules     []member.Rule
	centres   [][2]string // code, name
	addresses [][2]string // label, address
}

var orderSettings = map[string]memberSettings{
	"Landkreis Börde": {
		rules: []member.Rule{
			{StageNo: 1, Role: authz.RoleApprover, MinGrossCents: 0},
			{StageNo: 2, Role: authz.RoleMemberAdmin, MinGrossCents: 25000_00},
		},
		centres: [][2]string{{"1100", "Hauptamt"}, {"2000", "Kämmerei"}, {"4000", "Schulen"}, {"5000", "Soziales"}},
		addresses: [][2]string{
			{"Kreisverwaltung Haldensleben", "Landkreis Börde\nIT-Service / Warenannahme\nGerikestraße 104\n39340 Haldensleben"},
			{"Außenstelle Oschersleben", "Landkreis Börde\nWarenannahme\nTriftstraße 9–10\n39387 Oschersleben (Bode)"},
		},
	},
	"Stadt Weißenfels": {
		rules:   []member.Rule{{StageNo: 1, Role: authz.RoleApprover, MinGrossCents: 0}},
		centres: [][2]string{{"1100", "Hauptamt"}, {"4000", "Schulen"}, {"6100", "Bauamt"}},
		addresses: [][2]string{
			{"Rathaus", "Stadt Weißenfels\nHauptamt – IT\nMarkt 1\n06667 Weißenfels"},
		},
	},
}

func seedOrderSettings(ctx context.Context, tx bun.Tx, _ calendar.Date) error {
	var members []account.Organisation
	if err := tx.NewSelect().Model(&members).Where("kind = ?", account.KindMember).OrderExpr("id").Scan(ctx); err != nil {
		return err
	}
	for _, m := range members {
		ms, ok := orderSettings[m.Name]
		if !ok {
			ms = memberSettings{
				rules:     []member.Rule{{StageNo: 1, Role: authz.RoleApprover, MinGrossCents: 0}},
				centres:   [][2]string{{"1000", "Allgemeine Verwaltung"}},
				addresses: [][2]string{{"Verwaltung", fmt.Sprintf("%s\n%s\n%s %s", m.Name, m.Street, m.Zip, m.City)}},
			}
		}
		for _, r := range ms.rules {
			r.OrgID = m.ID
			if _, err := tx.NewInsert().Model(&r).Exec(ctx); err != nil {
				return fmt.Errorf("approval rule of %s: %w", m.Name, err)
			}
		}
		for _, c := range ms.centres {
			if _, err := tx.NewInsert().Model(&member.CostCentre{OrgID: m.ID, Code: c[0], Name: c[1], Active: true, Version: 1}).Exec(ctx); err != nil {
				return fmt.Errorf("cost centre of %s: %w", m.Name, err)
			}
		}
		for _, a := range ms.addresses {
			if _, err := tx.NewInsert().Model(&member.Address{OrgID: m.ID, Label: a[0], Address: a[1], Active: true, Version: 1}).Exec(ctx); err != nil {
				return fmt.Errorf("delivery address of %s: %w", m.Name, err)
			}
		}
	}
	return nil
}
