package document

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/jung-kurt/gofpdf"

	"coopshop/internal/money"
)

// Renderer turns Documents into PDF bytes. It prepares the fonts once
// (see font.go), which is what makes rendering fast; it holds no other state
// and is safe for concurrent use by any number of goroutines.
type Renderer struct {
	fonts *fontSet
}

// NewRenderer prepares the fonts. It fails only when the temporary
// directory gofpdf's font tool needs cannot be written.
func NewRenderer() (*Renderer, error) {
	fs, err := buildFontSet()
	if err != nil {
		return nil, err
	}
	return &Renderer{fonts: fs}, nil
}

var defaultRenderer = sync.OnceValues(NewRenderer)

// Render renders d with a renderer shared by the whole process, so callers
// need not keep one themselves.
func Render(d Document) ([]byte, error) {
	r, err := defaultRenderer()
	if err != nil {
		return nil, err
	}
	return r.Render(d)
}

// Render returns d as an A4 PDF. The same Document always gives the same
// bytes: the creation date is d.Date and nothing depends on the clock, on
// map order or on the goroutine.
func (r *Renderer) Render(d Document) (pdf []byte, err error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	d = cleaned(d)
	defer func() {
		// gofpdf panics on a few malformed inputs; a bad document must not
		// take the worker down with it.
		if p := recover(); p != nil {
			pdf = nil
			if e, ok := p.(error); ok {
				err = fmt.Errorf("document: render %s: %w", d.DisplayNumber(), e)
			} else {
				err = fmt.Errorf("document: render %s: %v", d.DisplayNumber(), p)
			}
		}
	}()

	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(d.Date)
	f.SetModificationDate(d.Date)
	f.SetCatalogSort(true)
	f.SetTitle(d.Title(), true)
	f.SetSubject(string(d.Kind), true)
	f.SetAuthor(d.Issuer.Name, true)
	f.SetCreator("coopshop", true)
	f.SetProducer("coopshop", true)
	f.SetAutoPageBreak(false, 0) // the layout breaks pages itself, never inside a row
	f.SetCellMargin(0)
	f.SetMargins(marginLeft, followTop, pageWidth-marginRight)
	f.AliasNbPages(pageCountAlias)

	w := &writer{f: f, d: &d, totals: d.Totals()}
	w.enc = r.fonts.install(f, needsUnicode(d))
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("document: load fonts: %w", err)
	}
	w.layoutFooter()
	f.SetFooterFuncLpi(w.footer)

	w.newPage()
	w.letterhead()
	w.addressAndInfo()
	w.titleAndIntro()
	if err := w.lineTable(); err != nil {
		return nil, err
	}
	w.totalsBlock()
	w.termsAndNote()

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("document: render %s: %w", d.DisplayNumber(), err)
	}
	return buf.Bytes(), nil
}

// writer is the state of one rendering: the PDF, the document, and the
// vertical position where the next block goes.
type writer struct {
	f      *gofpdf.Fpdf
	enc    func(string) string // UTF-8 to the installed fonts' encoding
	d      *Document
	totals money.Totals
	y      float64

	footerCols []footerColumn
	footerTop  float64 // y of the first footer line
	bottom     float64 // content never goes below this line
}
