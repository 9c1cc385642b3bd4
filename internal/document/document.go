// Package document renders business documents (order requests, quotations,
// order confirmations, invoices, credit notes) as PDF. It is pure: it takes a
// plain Document value and returns bytes, touching neither the database nor
// the web layer, so that the same Document always yields the same bytes and
// callers can store them with their SHA-256.
package document

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"coopshop/internal/money"
)

// ErrInvalid is wrapped by Render for a Document that must not be printed
// (missing number or date, lines that do not add up). Callers map it to
// their "invalid" application error.
var ErrInvalid = errors.New("document: invalid")

// Kind names the type of business document. Its value is the German title
// printed on the document, so a Kind never needs a separate label table.
type Kind string

// The document kinds of the order workflow (DESIGN.md §3, §4).
const (
	KindOrderRequest      Kind = "Bestellanforderung"
	KindQuote             Kind = "Angebot"
	KindOrderConfirmation Kind = "Auftragsbestätigung"
	KindInvoice           Kind = "Rechnung"
	KindCreditNote        Kind = "Gutschrift"
	// KindDeliveryNote is the Lieferschein of one delivery (issue 9).
	KindDeliveryNote Kind = "Lieferschein"
	// KindPurchaseOrder is the provider's order to a framework contract's
	// supplier, shipped straight to the member (Streckengeschäft, issue 14).
	KindPurchaseOrder Kind = "Bestellung"
)

// Kinds lists every Kind, for tests and for callers that offer a choice.
var Kinds = []Kind{KindOrderRequest, KindQuote, KindOrderConfirmation, KindInvoice, KindCreditNote, KindDeliveryNote, KindPurchaseOrder}

// Valid reports whether k is one of the known kinds; Render refuses others
// so that a typo never reaches a customer.
func (k Kind) Valid() bool {
	switch k {
	case KindOrderRequest, KindQuote, KindOrderConfirmation, KindInvoice, KindCreditNote, KindDeliveryNote, KindPurchaseOrder:
		return true
	}
	return false
}

// priced tells whether the document prints prices and totals: a delivery
// note lists what was delivered (with serial numbers), never what it
// costs.
func (k Kind) priced() bool { return k != KindDeliveryNote }

// numberLabel is the label of the document number in the info block.
func (k Kind) numberLabel() string {
	switch k {
	case KindOrderRequest:
		return "Anforderungs-Nr."
	case KindQuote:
		return "Angebots-Nr."
	case KindOrderConfirmation:
		return "Auftrags-Nr."
	case KindInvoice:
		return "Rechnungs-Nr."
	case KindCreditNote:
		return "Gutschrift-Nr."
	case KindDeliveryNote:
		return "Lieferschein-Nr."
	case KindPurchaseOrder:
		return "Bestell-Nr."
	}
	return "Nummer"
}

// Party is a postal and electronic address: the provider's letterhead or the
// member's address. Empty fields are simply not printed.
type Party struct {
	Name       string
	Department string
	Street     string
	Zip        string
	City       string
	LeitwegID  string // buyer reference for public-sector e-invoicing (XRechnung)
	VATID      string
	Email      string
	Phone      string
}

// cityLine is "39104 Magdeburg".
func (p Party) cityLine() string {
	return joinNonEmpty(" ", p.Zip, p.City)
}

// Line is one row of the line table. NetCents must equal
// money.LineNet(Quantity, UnitPriceCents, DiscountBP); Render checks it so a
// printed row always adds up. A line with Quantity, UnitPriceCents and
// NetCents all zero is a text line and prints no figures.
type Line struct {
	Position       int // 0 = not printed
	SKU            string
	Text           string
	Detail         string // smaller text below Text: serial numbers, rental term, contract
	Quantity       int64
	Unit           string
	UnitPriceCents int64
	DiscountBP     int64 // 1 % = 100
	VATPercent     int64
	NetCents       int64
	// ProRata is set on a line billed for part of a month (a
	// subscription's start, end or count change): active days and days of
	// the month; its net is quantity × price less discount × active ÷
	// days, rounded once (DESIGN §5). Zero on every other line.
	ProRata [2]int64
}

func (l Line) isText() bool {
	return l.Quantity == 0 && l.UnitPriceCents == 0 && l.NetCents == 0
}

// Document is everything printed on one business document. It is a plain
// value built by the owning domain package (quote, order, invoice); the
// renderer adds nothing that is not in it, in particular no clock.
type Document struct {
	Kind       Kind
	Number     string    // "AN-2026-000045"
	VersionNo  int       // 0 = not versioned; 2 prints "AN-2026-000045 v2"
	Date       time.Time // document date, also the PDF creation date
	ValidUntil time.Time // quotes; zero = not shown
	Reference  string    // "Ihre Bestellanforderung BA-2026-000123"
	Meta       [][2]string
	Issuer     Party // provider letterhead
	Recipient  Party // member address with Leitweg-ID
	Intro      string
	Lines      []Line
	Terms      []string // payment and delivery terms, after the totals
	Note       string
	Footer     []string // footer columns; "\n" separates lines in a column
	Draft      bool     // prints a diagonal "ENTWURF" on every page
}

// DisplayNumber is the number as printed, with the version: "AN-2026-000045 v2".
// Callers use it for file names and mail subjects so they match the PDF.
func (d Document) DisplayNumber() string {
	if d.VersionNo > 0 {
		return d.Number + " v" + strconv.Itoa(d.VersionNo)
	}
	return d.Number
}

// Title is the heading printed above the table, "Angebot AN-2026-000045
// (Version 2)"; it is also the PDF's title metadata.
func (d Document) Title() string {
	t := string(d.Kind) + " " + d.Number
	if d.VersionNo > 0 {
		t += " (Version " + strconv.Itoa(d.VersionNo) + ")"
	}
	return t
}

// Totals sums the lines per VAT rate with money.Sum. It is computed from the
// lines every time, never taken from a stored field, so the printed totals
// cannot disagree with the printed rows.
func (d Document) Totals() money.Totals {
	ls := make([]money.Line, 0, len(d.Lines))
	for _, l := range d.Lines {
		ls = append(ls, money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent})
	}
	return money.Sum(ls)
}

// Validate reports why d cannot be printed, wrapping ErrInvalid.
func (d Document) Validate() error {
	switch {
	case !d.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %q", ErrInvalid, d.Kind)
	case d.Number == "":
		return fmt.Errorf("%w: number missing", ErrInvalid)
	case d.Date.IsZero():
		// gofpdf would fall back to the clock, breaking byte-identical output.
		return fmt.Errorf("%w: date missing", ErrInvalid)
	case d.VersionNo < 0:
		return fmt.Errorf("%w: negative version %d", ErrInvalid, d.VersionNo)
	case d.Issuer.Name == "":
		return fmt.Errorf("%w: issuer name missing", ErrInvalid)
	}
	for i, l := range d.Lines {
		if l.VATPercent < 0 || l.VATPercent > 100 {
			return fmt.Errorf("%w: line %d: VAT rate %d %%", ErrInvalid, i+1, l.VATPercent)
		}
		if l.DiscountBP < 0 || l.DiscountBP > 10000 {
			return fmt.Errorf("%w: line %d: discount %d bp", ErrInvalid, i+1, l.DiscountBP)
		}
		want := money.LineNet(l.Quantity, l.UnitPriceCents, l.DiscountBP)
		if a, b := l.ProRata[0], l.ProRata[1]; b > 0 {
			if a < 1 || a > b {
				return fmt.Errorf("%w: line %d: pro rata %d of %d days", ErrInvalid, i+1, a, b)
			}
			want = money.RoundDiv(l.Quantity*l.UnitPriceCents*(10000-l.DiscountBP)*a, 10000*b)
		}
		if l.NetCents != want {
			return fmt.Errorf("%w: line %d: net %d cents, quantity × price less discount is %d", ErrInvalid, i+1, l.NetCents, want)
		}
	}
	return nil
}
