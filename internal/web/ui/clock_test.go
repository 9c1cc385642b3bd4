package ui_test

import (
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// Sessions and API tokens end by the app's clock, not the calendar's:
// moving the clock past their lifetime ends them.
func TestSessionsAndTokensFollowTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		browser := webtest.NewClient(t, a)
		browser.Login("admin@kid.example")
		api := webtest.NewClient(t, a)
		api.Token("einkauf@boerde.example")
		if res := browser.Get("/admin/users"); res.Status != 200 {
			t.Fatalf("page while logged in: %d", res.Status)
		}
		if res := api.Get("/api/v1/products"); res.Status != 200 {
			t.Fatalf("API with a fresh token: %d", res.Status)
		}
		clk := webtest.Clock(a)
		clk.Advance(a.Config.SessionTTL + time.Minute)
		if res := browser.Get("/admin/users"); res.Status != 303 {
			t.Fatalf("page after the session's lifetime: %d, want 303 to the login", res.Status)
		}
		if res := api.Get("/api/v1/products"); res.Status != 200 {
			t.Fatalf("API within the token's lifetime: %d", res.Status)
		}
		clk.Advance(a.Config.TokenTTL)
		if res := api.Get("/api/v1/products"); res.Status != 401 {
			t.Fatalf("API after the token's lifetime: %d, want 401", res.Status)
		}
	})
}
