package export

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"coopshop/internal/invoice"
)

// XRechnungZip streams one XRechnung per invoice and credit note into a
// zip on w, each entry named by its number (RE-2026-000001.xml), for the
// period export (GET /api/v1/exports/invoices?format=xrechnung, coopshop
// export). next yields the documents one at a time and (nil, io.EOF) or
// (nil, nil) at the end, so that memory does not grow with their number:
// only one document is held at a time. It stops at the first error (a
// cancelled context, an invoice that fails validation, a write error) and
// returns it; the zip is then incomplete and must be discarded.
func XRechnungZip(ctx context.Context, w io.Writer, next func() (*invoice.Invoice, error)) error {
	zw := zip.NewWriter(w)
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
	if err := zw.Close(); err != nil {
		return fmt.Errorf("xrechnung zip: %w", err)
	}
	return nil
}

// entryTime is the entry's date: the issue date, so that the same
// invoices give the same zip.
func entryTime(inv *invoice.Invoice) time.Time {
	if inv.IssueDate.IsZero() {
		return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return inv.IssueDate.Time()
}
