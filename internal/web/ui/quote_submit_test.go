package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// TestQuoteEditorSubmitKeepsEdits: „Abschließen“ is a button of the
// editor, so unsaved edits are saved with it instead of thrown away; a
// line still without price is named with its position, and the edits
// stay stored and shown.
func TestQuoteEditorSubmitKeepsEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		qs := quotetest.Service(f)
		_, q := quotetest.Quoting(t, f, qs)
		page := fmt.Sprintf("/quotes/%d", q.ID)
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		res := sales.Get(page)
		wantStatus(t, res, 200)
		editor := res.Body[strings.Index(res.Body, "data-quote-editor"):]
		editor = editor[:strings.Index(editor, "</form>")]
		if !strings.Contains(editor, `data-testid="step-submit"`) || !strings.Contains(editor, `value="submit"`) {
			t.Fatal("„Abschließen“ is not a button of the editor form")
		}
		if strings.Contains(res.Body, `action="`+page+`/submit"`) {
			t.Error("a separate submit form that throws edits away is still on the page")
		}

		// A price that is no amount: nothing stored, the line named.
		form := editorForm(t, f, q, sales.CSRF)
		form["line_price"][0] = "zwölf"
		form.Set("action", "submit")
		res = postFailing(t, sales, page, form)
		if !strings.Contains(res.Body, "Bitte prüfen Sie die markierten Angaben: Position 1 („"+html.EscapeString(form["line_description"][0])+"“).") {
			t.Errorf("the form error does not name the line: %s", res.Body[strings.Index(res.Body, `data-testid="form-error"`):][:300])
		}

		// The on-site service at 0,00 €: refused, named by position; the
		// typed note is stored all the same.
		form = editorForm(t, f, q, sales.CSRF)
		pos := 0
		for i, d := range form["line_description"] {
			if d == "Test-Vor-Ort-Einrichtung" {
				form["line_price"][i], pos = "0,00", i+1
			}
		}
		form.Set("note", "Bitte bis Freitag.")
		form.Set("action", "submit")
		res = postFailing(t, sales, page, form)
		want := fmt.Sprintf("Position %d („Test-Vor-Ort-Einrichtung“): Der Einzelpreis fehlt noch.", pos)
		if !strings.Contains(res.Body, want) || !strings.Contains(res.Body, "Bitte bis Freitag.") {
			t.Fatalf("the refusal lacks %q or the typed note: %.2000s", want, res.Body[strings.Index(res.Body, "<main"):])
		}
		saved, _ := qs.Get(t.Context(), f.P(t, "vertrieb@kid.example"), q.ID)
		if saved.Note != "Bitte bis Freitag." {
			t.Errorf("the edits were thrown away: note %q", saved.Note)
		}

		// With the price typed: saved and submitted in one go.
		form = editorForm(t, f, q, sales.CSRF)
		form.Set("version", fmt.Sprint(saved.Version))
		form.Set("note", "Bitte bis Montag.")
		form.Set("action", "submit")
		res = sales.PostForm(page, form)
		wantStatus(t, res, http.StatusSeeOther)
		done, _ := qs.Get(t.Context(), f.P(t, "vertrieb@kid.example"), q.ID)
		if done.Note != "Bitte bis Montag." || done.State == "draft" {
			t.Errorf("after save and submit: note %q state %q", done.Note, done.State)
		}
	})
}
