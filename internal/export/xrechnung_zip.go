package export

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"coopshop/internal/apperr"
	"coopshop/internal/invoice"
)

// XRechnungZip streams one XRechnung per invoice and credit note into a
// zip on w, each entry named by its number (RE-2026-000001.xml), for the
// period export (GET /api/v1/exports/invoices?format=xrechnung, coopshop
// export). next yields the documents one at a time and (nil, io.EOF) or
// (nil, nil) at the end, so that memory does not grow with their number:
// only one document is held at a time. A document that EN 16931 or the
// XRechnung rules refuse (apperr.Invalid, e.g. § 2b lines beside taxed
// ones) is left out and named with the reason in a last entry
// NICHT-EXPORTIERT.txt, so that one bad document does not break the
// download of a whole year. Any other error (a cancelled context, the
// source, a write) stops the stream and is returned; the zip is then
// incomplete and must be discarded.
func XRechnungZip(ctx context.Context, w io.Writer, next func() (*invoice.Invoice, error)) error {
	zw := zip.NewWriter(w)
	var skipped []string
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		inv, err := next()
		if errors.Is(err, io.EOF) || (err == nil && inv == nil) {
			break
		}
		if err != nil {
			return fmt.Errorf("xrechnung zip: next invoice: %w", err)
		}
		xml, err := XRechnung(inv)
		if apperr.CodeOf(err) == apperr.Invalid {
			skipped = append(skipped, inv.Number+": "+apperr.MessageOf(err))
			continue
		}
		if err != nil {
			return err
		}
		f, err := zw.CreateHeader(&zip.FileHeader{
			Name: XRechnungFileName(inv), Method: zip.Deflate,
			Modified: entryTime(inv),
		})
		if err != nil {
			return fmt.Errorf("xrechnung zip: %w", err)
		}
		if _, err := f.Write(xml); err != nil {
			return fmt.Errorf("xrechnung zip: %w", err)
		}
	}
	if len(skipped) > 0 {
		f, err := zw.Create(SkippedEntry)
		if err != nil {
			return fmt.Errorf("xrechnung zip: %w", err)
		}
		text := "Diese Belege wurden nicht als XRechnung exportiert:\r\n" + strings.Join(skipped, "\r\n") + "\r\n"
		if _, err := io.WriteString(f, text); err != nil {
			return fmt.Errorf("xrechnung zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("xrechnung zip: %w", err)
	}
	return nil
}

// SkippedEntry is the zip entry that names the documents XRechnungZip
// left out, with the reason.
const SkippedEntry = "NICHT-EXPORTIERT.txt"

// entryTime is the entry's date: the issue date, so that the same
// invoices give the same zip.
func entryTime(inv *invoice.Invoice) time.Time {
	if inv.IssueDate.IsZero() {
		return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return inv.IssueDate.Time()
}
