package main

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/app"
)

// actorByEmail is the principal a scheduled command (export, billing run)
// acts as: the commands are authorized like the web, through the user
// named by --user.
func actorByEmail(ctx context.Context, a *app.App, email string) (*account.Principal, error) {
	u, err := account.UserByEmail(ctx, a.DB, email)
	if err != nil || u == nil {
		return nil, fmt.Errorf("--user: Benutzer %s nicht gefunden", email)
	}
	return a.Accounts.Principal(ctx, u.ID)
}
