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

// TestXRechnungZipStops: an error of the source or an invalid document
// ends the stream with that error.
func TestXRechnungZipStops(t *testing.T) {
	boom := errors.New("boom")
	bad := mixedInvoice()
	bad.Provider.ContactName = ""
	for name, next := range map[string]func() (*invoice.Invoice, error){
		"source error": func() (*invoice.Invoice, error) { return nil, boom },
		"invalid":      feed(mixedInvoice(), bad),
	} {
		t.Run(name, func(t *testing.T) {
			if err := XRechnungZip(context.Background(), io.Discard, next); err == nil {
				t.Fatal("no error")
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := XRechnungZip(ctx, io.Discard, feed(mixedInvoice())); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
