package member

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// Address is a saved delivery address of a member.
type Address struct {
	bun.BaseModel `bun:"table:delivery_addresses,alias:da"`

	ID      int64  `bun:"id,pk,autoincrement" json:"id"`
	OrgID   int64  `bun:"organisation_id" json:"-"`
	Label   string `bun:"label" json:"label"`
	Address string `bun:"address" json:"address"`
	Active  bool   `bun:"active" json:"active"`
	Version int64  `bun:"version" json:"version"`
}

// Text is the address as frozen on an order: label line, then address.
func (a Address) Text() string { return a.Label + "\n" + a.Address }

// ActiveAddress loads one of a member's active delivery addresses, inside
// or outside the caller's transaction; another member's, an inactive or a
// missing one is a not_found error.
func ActiveAddress(ctx context.Context, idb bun.IDB, memberID, id int64) (*Address, error) {
	a := new(Address)
	err := idb.NewSelect().Model(a).Where("id = ? AND organisation_id = ? AND active", id, memberID).Scan(ctx)
	if isNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Lieferadresse nicht gefunden.")
	}
	if err != nil {
		return nil, fmt.Errorf("delivery address: %w", err)
	}
	return a, nil
}

// AddressInput is a delivery address as entered.
type AddressInput struct {
	Label   string `json:"label"`
	Address string `json:"address"`
	Active  *bool  `json:"active"`
}

func (in *AddressInput) check() error {
	in.Label, in.Address = strings.TrimSpace(in.Label), strings.TrimSpace(strings.ReplaceAll(in.Address, "\r\n", "\n"))
	var fe []apperr.FieldError
	if in.Label == "" || len(in.Label) > 120 {
		fe = append(fe, apperr.FieldError{Field: "label", Message: "Bitte eine Bezeichnung mit höchstens 120 Zeichen angeben."})
	}
	if in.Address == "" || len(in.Address) > 1000 {
		fe = append(fe, apperr.FieldError{Field: "address", Message: "Bitte die Anschrift angeben (höchstens 1000 Zeichen)."})
	}
	if fe != nil {
		return apperr.Fields("Die Lieferadresse ist unvollständig.", fe...)
	}
	return nil
}

func duplicateAddress() error {
	return apperr.Fields("Diese Lieferadresse gibt es schon.", apperr.FieldError{Field: "label", Message: "Die Bezeichnung ist bereits vergeben."})
}

// AddAddress saves a delivery address of a member.
func (s *Service) AddAddress(ctx context.Context, actor account.Principal, memberID int64, in AddressInput) (*Address, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	a := &Address{OrgID: memberID, Label: in.Label, Address: in.Address, Active: in.Active == nil || *in.Active, Version: 1}
	err := s.manage(ctx, actor, memberID, "delivery_address.create", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, duplicateAddress()
			}
			return 0, nil, err
		}
		return a.ID, a, nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateAddress changes a saved delivery address; version is the one the
// actor saw.
func (s *Service) UpdateAddress(ctx context.Context, actor account.Principal, memberID, id, version int64, in AddressInput) (*Address, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	a := new(Address)
	err := s.manage(ctx, actor, memberID, "delivery_address.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		active := in.Active == nil || *in.Active
		res, err := tx.NewUpdate().Model(a).Set("label = ?, address = ?, active = ?, version = version + 1", in.Label, in.Address, active).
			Where("id = ? AND organisation_id = ? AND version = ?", id, memberID, version).Returning("*").Exec(ctx)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, duplicateAddress()
			}
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, conflict(ctx, tx, "delivery_addresses", id, memberID)
		}
		return id, in, nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteAddress removes a saved delivery address; orders keep their text.
func (s *Service) DeleteAddress(ctx context.Context, actor account.Principal, memberID, id int64) error {
	return s.manage(ctx, actor, memberID, "delivery_address.delete", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		res, err := tx.NewDelete().Model((*Address)(nil)).Where("id = ? AND organisation_id = ?", id, memberID).Exec(ctx)
		if err != nil {
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, apperr.New(apperr.NotFound, "Lieferadresse nicht gefunden.")
		}
		return id, nil, nil
	})
}
