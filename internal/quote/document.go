package quote

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/document"
	"coopshop/internal/order"
)

// DocumentEntity is the documents table's name for quotation versions.
const DocumentEntity = "quote"

// Document maps a version to the printed quotation: the order's frame
// (provider letterhead, member address with Leitweg-ID, cost centre,
// delivery address), dated the day it was sent (before that the day it was
// created), valid until its validity date, with its lines, terms and note.
// A version not yet sent carries the draft mark. It reads only data, so
// the same version always gives the same bytes.
func (s *Service) Document(ctx context.Context, idb bun.IDB, q *Quote) (document.Document, error) {
	var d document.Document
	var err error
	if q.Project {
		d, err = projectFrame(ctx, idb, q)
	} else {
		d, err = order.DocumentFrame(ctx, idb, q.OrderID, document.KindQuote, q.DocumentDate())
	}
	if err != nil {
		return d, err
	}
	d.Number, d.VersionNo, d.ValidUntil = q.Number, q.VersionNo, q.ValidUntil.Time()
	for _, name := range []string{q.SenderName, q.SubmitterName, q.DrafterName} {
		if name != "" {
			d.Meta = append(d.Meta, [2]string{"Bearbeiter", name})
			break
		}
	}
	d.Intro = "Sehr geehrte Damen und Herren,\nvielen Dank für Ihre Bestellanforderung. Gern bieten wir Ihnen die folgenden Positionen an:"
	if q.Project {
		d.Intro = fmt.Sprintf("Sehr geehrte Damen und Herren,\ngern bieten wir Ihnen für das Projekt „%s“ die folgenden Positionen an:", q.Title)
	}
	if q.VersionNo > 1 {
		d.Intro = fmt.Sprintf("Sehr geehrte Damen und Herren,\nwie gewünscht haben wir unser Angebot überarbeitet. Diese Version %d ersetzt die Version %d:",
			q.VersionNo, q.VersionNo-1)
	}
	d.Lines = documentLines(q)
	d.Terms = terms(q)
	d.Terms = append(d.Terms, fmt.Sprintf("Dieses Angebot gilt bis zum %s.", q.ValidUntil.German()))
	note := strings.TrimSpace(q.Note)
	if note != "" {
		note += "\n\n"
	}
	d.Note = note + "Mit freundlichen Grüßen\nIhr Vertrieb der " + d.Issuer.Name
	d.Draft = q.State.Internal()
	return d, nil
}

// documentLines prints the version's lines; a free line has no article
// number.
func documentLines(q *Quote) []document.Line {
	out := make([]document.Line, len(q.Lines))
	for i, l := range q.Lines {
		out[i] = document.Line{Position: i + 1, SKU: l.SKU, Text: l.Description, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents}
	}
	return out
}

// PDF is the quotation version as a PDF for whoever may see it: once sent,
// the stored document (the same bytes on every download; rendered and
// stored here when the issue job has not run yet); before, a
// preview rendered on the fly with the draft mark (only the provider sees
// those versions).
func (s *Service) PDF(ctx context.Context, actor account.Principal, id int64) (*document.File, error) {
	q, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "document", ID: q.ID, OrgID: q.OrgID}); err != nil {
		return nil, err
	}
	if q.State.Issued() {
		st, err := document.GetIssued(ctx, s.DB, DocumentEntity, q.ID, document.KindQuote, int64(q.VersionNo))
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.New(apperr.NotFound, "Zum Angebot %s ist kein Dokument gespeichert.", q.DisplayNumber())
		}
		if err != nil {
			return nil, err
		}
		return st.File(), nil
	}
	d, err := s.Document(ctx, s.DB, q)
	if err != nil {
		return nil, err
	}
	return document.Preview(d)
}
