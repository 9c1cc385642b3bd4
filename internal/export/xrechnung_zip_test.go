package export

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/speedata/einvoice"

	"coopshop/internal/invoice"
)

// feed yields the documents one by one, then io.EOF.
func feed(docs ...*invoice.Invoice) func() (*invoice.Invoice, error) {
	return func() (*invoice.Invoice, error) {
		if len(docs) == 0 {
			return nil, io.EOF
		}
		d := docs[0]
		docs = docs[1:]
		return d, nil
	}
}

// TestXRechnungZip: three documents give three entries named by number,
// each a valid XRechnung equal to the single download.
func TestXRechnungZip(t *testing.T) {
	docs := []*invoice.Invoice{mixedInvoice(), creditNote(), notTaxableInvoice()}
	var buf bytes.Buffer
	if err := XRechnungZip(context.Background(), &buf, feed(docs...)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(docs) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(docs))
	}
	for i, f := range zr.File {
		if want := docs[i].Number + ".xml"; f.Name != want {
			t.Errorf("entry %d is %s, want %s", i, f.Name, want)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		single, _ := XRechnung(docs[i])
		if !bytes.Equal(data, single) {
			t.Errorf("%s differs from the single XRechnung", f.Name)
		}
		back, err := einvoice.ParseReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := back.Validate(); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
}

// TestXRechnungZipSkipsInvalid: a document the rules refuse is left out
// and named with its reason in NICHT-EXPORTIERT.txt; the others are there.
func TestXRechnungZipSkipsInvalid(t *testing.T) {
	bad := creditNote()
	bad.Number = "GS-2026-000099"
	bad.Provider.ContactName = ""
	var buf bytes.Buffer
	if err := XRechnungZip(context.Background(), &buf, feed(mixedInvoice(), bad)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 || zr.File[0].Name != mixedInvoice().Number+".xml" || zr.File[1].Name != SkippedEntry {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		t.Fatalf("entries %v, want the good invoice and %s", names, SkippedEntry)
	}
	rc, err := zr.File[1].Open()
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Contains(text, []byte("GS-2026-000099: ")) {
		t.Errorf("%s does not name the refused credit note: %q", SkippedEntry, text)
	}
}

// TestXRechnungZipStops: an error of the source or a cancelled context
// ends the stream with that error.
func TestXRechnungZipStops(t *testing.T) {
	boom := errors.New("boom")
	if err := XRechnungZip(context.Background(), io.Discard, func() (*invoice.Invoice, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("source error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := XRechnungZip(ctx, io.Discard, feed(mixedInvoice())); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
