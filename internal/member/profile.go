package member

import (
	"context"
	"regexp"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// Profile is what a member admin keeps about the member itself (issue
// 13): the Leitweg-ID that invoices and XRechnung carry, the invoice
// address, who answers for payments, the Bundesland whose holidays are
// no working days, and the reminder period in working days.
type Profile struct {
	LeitwegID      string
	Street         string
	Zip            string
	City           string
	Email          string // where invoices go
	PaymentContact string
	Bundesland     string // ISO 3166-2:DE code, "" for none
	ReminderDays   int
}

// leitwegRE is the form of a Leitweg-ID: Grobadressierung (2–12 digits),
// optional Feinadressierung (up to 30 letters or digits), two check
// digits, joined by dashes.
var leitwegRE = regexp.MustCompile(`^[0-9]{2,12}(-[0-9A-Za-z]{1,30})?-[0-9]{2}$`)

// ProfileOf loads a member's profile, for whoever may read its settings.
func (s *Service) ProfileOf(ctx context.Context, actor account.Principal, memberID int64) (*Profile, error) {
	if _, err := s.Settings(ctx, actor, memberID); err != nil {
		return nil, err
	}
	return loadProfile(ctx, s.DB, memberID)
}

func loadProfile(ctx context.Context, idb bun.IDB, memberID int64) (*Profile, error) {
	org, err := memberOrg(ctx, idb, memberID)
	if err != nil {
		return nil, err
	}
	p := &Profile{LeitwegID: org.LeitwegID, Street: org.Street, Zip: org.Zip, City: org.City, Email: org.Email,
		PaymentContact: org.PaymentContact, Bundesland: org.Bundesland, ReminderDays: 3}
	var days int
	err = idb.NewSelect().Table("member_settings").Column("reminder_days").Where("organisation_id = ?", memberID).Scan(ctx, &days)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	if days > 0 {
		p.ReminderDays = days
	}
	return p, nil
}

// UpdateProfile changes the member's profile at the settings version the
// actor saw (the member admin for the own member, admin for any): one
// transaction, audited with before and after.
func (s *Service) UpdateProfile(ctx context.Context, actor account.Principal, memberID, version int64, in Profile) (*Profile, error) {
	in.LeitwegID = strings.TrimSpace(in.LeitwegID)
	in.Street, in.Zip, in.City = strings.TrimSpace(in.Street), strings.TrimSpace(in.Zip), strings.TrimSpace(in.City)
	in.Email, in.PaymentContact = strings.TrimSpace(in.Email), strings.TrimSpace(in.PaymentContact)
	var fe []apperr.FieldError
	if in.LeitwegID != "" && !leitwegRE.MatchString(in.LeitwegID) {
		fe = append(fe, apperr.FieldError{Field: "leitweg_id", Message: "Eine Leitweg-ID sieht so aus: 15083-BOERDE-14 (Ziffern, optional Buchstaben, zwei Prüfziffern)."})
	}
	if in.Street == "" || in.Zip == "" || in.City == "" {
		fe = append(fe, apperr.FieldError{Field: "street", Message: "Bitte geben Sie die Rechnungsanschrift vollständig an (Straße, PLZ, Ort)."})
	}
	if in.Zip != "" && !regexp.MustCompile(`^[0-9]{5}$`).MatchString(in.Zip) {
		fe = append(fe, apperr.FieldError{Field: "zip", Message: "Die Postleitzahl hat fünf Ziffern."})
	}
	if !calendar.ValidBundesland(in.Bundesland) {
		fe = append(fe, apperr.FieldError{Field: "bundesland", Message: "Bitte wählen Sie ein Bundesland."})
	}
	if in.ReminderDays < 1 || in.ReminderDays > 30 {
		fe = append(fe, apperr.FieldError{Field: "reminder_days", Message: "Die Erinnerungsfrist liegt zwischen 1 und 30 Arbeitstagen."})
	}
	if len(in.PaymentContact) > 500 {
		fe = append(fe, apperr.FieldError{Field: "payment_contact", Message: "Höchstens 500 Zeichen."})
	}
	if fe != nil {
		return nil, apperr.Fields("Die Angaben des Mitglieds sind nicht vollständig.", fe...)
	}
	// The organisation is part of every principal of its users: cached
	// ones are made anew after the commit (account's token cache).
	defer s.Authz.Touch()
	err := s.manage(ctx, actor, memberID, "member_profile.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO member_settings (organisation_id, version) VALUES (?, 1)
			ON CONFLICT (organisation_id) DO NOTHING`, memberID); err != nil {
			return 0, nil, err
		}
		before, err := loadProfile(ctx, tx, memberID)
		if err != nil {
			return 0, nil, err
		}
		res, err := tx.NewUpdate().Table("member_settings").Set("version = version + 1, reminder_days = ?", in.ReminderDays).
			Where("organisation_id = ? AND version = ?", memberID, version).Exec(ctx)
		if err != nil {
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, apperr.New(apperr.Conflict, "Die Einstellungen wurden inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		if _, err := tx.NewUpdate().Model((*account.Organisation)(nil)).
			Set("leitweg_id = ?, street = ?, zip = ?, city = ?, email = ?, payment_contact = ?, bundesland = ?",
				in.LeitwegID, in.Street, in.Zip, in.City, in.Email, in.PaymentContact, in.Bundesland).
			Where("id = ?", memberID).Exec(ctx); err != nil {
			return 0, nil, err
		}
		return memberID, map[string]any{"before": before, "after": in}, nil
	})
	if err != nil {
		return nil, err
	}
	return loadProfile(ctx, s.DB, memberID)
}
