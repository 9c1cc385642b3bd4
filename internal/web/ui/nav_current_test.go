package ui_test

import (
	"regexp"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestNavigationMarksOneSection: exactly one menu entry is current, the
// most specific one (Katalogpflege on /catalog/manage, not Katalog too).
func TestNavigationMarksOneSection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		mgr := webtest.NewClient(t, a)
		mgr.Login("katalog@kid.example")
		current := regexp.MustCompile(`<a href="([^"]*)" aria-current="page">`)
		for path, want := range map[string]string{
			"/": "/", "/catalog": "/catalog", "/catalog/manage": "/catalog/manage",
			"/catalog/manage/products/new": "/catalog/manage", "/catalog/import": "/catalog/import",
		} {
			res := mgr.Get(path)
			wantStatus(t, res, 200)
			got := current.FindAllStringSubmatch(res.Body, -1)
			if len(got) != 1 || got[0][1] != want {
				t.Errorf("%s: current entries %v, want only %s", path, got, want)
			}
		}
	})
}
