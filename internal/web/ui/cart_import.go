package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/cart"
	"coopshop/internal/web"
)

// quickFieldLabels are the German names of a quick order's error fields.
var quickFieldLabels = map[string]string{"sku": "Artikelnummer", "quantity": "Menge", "line": "Zeile", "file": "Datei", "product_id": "Produkt"}

// cartImportSubmit is POST /cart/import (multipart or form: the pasted
// text "csv", or an uploaded "file"): a quick order of "SKU;quantity"
// lines. Every line goes into the cart, or nothing: then the cart page
// lists each bad line (line, field, message) and keeps the text (an
// uploaded file's too, to be corrected in place).
func (h *Handler) cartImportSubmit(c *fiber.Ctx) error {
	text := c.FormValue("csv")
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, cart.MaxQuickBytes+1))
		if err != nil {
			return fmt.Errorf("read upload: %w", err)
		}
		text = string(bytes.TrimPrefix(b, []byte("\uFEFF")))
	}
	n, err := h.Carts.Import(c.UserContext(), *web.Principal(c), strings.NewReader(text))
	if err != nil {
		if !formOutcome(err) {
			return err
		}
		fs := &web.FormState{Path: "/cart", Fields: map[string]string{"csv": apperr.MessageOf(err)}}
		lines := []string{}
		for _, fe := range apperr.FieldsOf(err) {
			label := quickFieldLabels[fe.Field]
			if label == "" {
				label = fe.Field
			}
			lines = append(lines, fmt.Sprintf("Zeile %d · %s: %s", fe.Line, label, fe.Message))
		}
		kept := text
		if len(kept) > 200_000 {
			kept = ""
		}
		fs.Values = map[string][]string{"csv": {kept}, "import_error": lines}
		h.KeepForm(c, fs)
		return c.Redirect("/cart#schnellbestellung", fiber.StatusSeeOther)
	}
	h.Flash(c, fmt.Sprintf("Schnellbestellung: %d %s in den Warenkorb gelegt.", n, plural(n, "Zeile", "Zeilen")))
	return c.Redirect("/cart", fiber.StatusSeeOther)
}
