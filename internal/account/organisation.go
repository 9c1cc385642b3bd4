// Package account holds organisations, users and how they prove who they
// are: passwords, browser sessions and API tokens, and the assignment of
// roles (which authz stores in its policy).
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

// Organisation kinds.
const (
	KindProvider = "provider"
	KindMember   = "member"
)

// Organisation is the provider or one member municipality.
type Organisation struct {
	bun.BaseModel `bun:"table:organisations"`

	ID        int64  `bun:"id,pk,autoincrement" json:"id"`
	Kind      string `bun:"kind" json:"kind"`
	Name      string `bun:"name" json:"name"`
	ShortName string `bun:"short_name" json:"short_name"`
	Street    string `bun:"street" json:"street"`
	Zip       string `bun:"zip" json:"zip"`
	City      string `bun:"city" json:"city"`
	LeitwegID string `bun:"leitweg_id" json:"leitweg_id"`
	Email     string `bun:"email" json:"email"`
	// Bundesland is the ISO 3166-2:DE code of the member's state ("ST",
	// "NI"): its public holidays are no working days for reminders.
	Bundesland string `bun:"bundesland" json:"bundesland"`
	// PaymentContact is who at the member answers for payments (name,
	// phone, e-mail), for finance.
	PaymentContact string    `bun:"payment_contact" json:"payment_contact"`
	CreatedAt      time.Time `bun:"created_at" json:"created_at"`
}

// CreateOrganisation inserts o and sets its ID.
func CreateOrganisation(ctx context.Context, idb bun.IDB, o *Organisation) error {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now().UTC()
	}
	if _, err := idb.NewInsert().Model(o).Exec(ctx); err != nil {
		return fmt.Errorf("create organisation %s: %w", o.Name, err)
	}
	return nil
}

// GetOrganisation loads one organisation.
func GetOrganisation(ctx context.Context, idb bun.IDB, id int64) (*Organisation, error) {
	o := new(Organisation)
	err := idb.NewSelect().Model(o).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Organisation nicht gefunden.")
	}
	if err != nil {
		return nil, fmt.Errorf("get organisation %d: %w", id, err)
	}
	return o, nil
}

// OrganisationByName finds an organisation by its exact name.
func OrganisationByName(ctx context.Context, idb bun.IDB, name string) (*Organisation, error) {
	o := new(Organisation)
	err := idb.NewSelect().Model(o).Where("name = ?", name).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Organisation nicht gefunden.")
	}
	return o, err
}

// ListOrganisations lists all organisations, the provider first.
func ListOrganisations(ctx context.Context, idb bun.IDB) ([]Organisation, error) {
	var out []Organisation
	err := idb.NewSelect().Model(&out).OrderExpr("kind DESC, name").Scan(ctx)
	return out, err
}
