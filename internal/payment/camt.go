package payment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// camt.053 (ISO 20022 BankToCustomerStatement, versions .001.02 to
// .001.08): the elements the import reads. encoding/xml matches local
// names, so every version's namespace is accepted.
type camtDocument struct {
	Stmts []camtStmt `xml:"BkToCstmrStmt>Stmt"`
}

type camtStmt struct {
	ID      string      `xml:"Id"`
	IBAN    string      `xml:"Acct>Id>IBAN"`
	OthrID  string      `xml:"Acct>Id>Othr>Id"` // an account without IBAN
	Ccy     string      `xml:"Acct>Ccy"`        // the account's currency: an amount's fallback
	Entries []camtEntry `xml:"Ntry"`
}

type camtAmount struct {
	Value string `xml:",chardata"`
	Ccy   string `xml:"Ccy,attr"`
}

type camtEntry struct {
	NtryRef     string     `xml:"NtryRef"`
	Amt         camtAmount `xml:"Amt"`
	CdtDbtInd   string     `xml:"CdtDbtInd"`
	RvslInd     string     `xml:"RvslInd"`
	Sts         camtStatus `xml:"Sts"`
	BookgDt     camtDate   `xml:"BookgDt"`
	ValDt       camtDate   `xml:"ValDt"`
	AcctSvcrRef string     `xml:"AcctSvcrRef"`
	Details     []camtTx   `xml:"NtryDtls>TxDtls"`
	AddtlInfo   string     `xml:"AddtlNtryInf"`
}

// camtStatus is <Sts>BOOK</Sts> (up to .001.06) or <Sts><Cd>BOOK</Cd></Sts>.
type camtStatus struct {
	Text string `xml:",chardata"`
	Cd   string `xml:"Cd"`
}

func (s camtStatus) code() string {
	if c := strings.TrimSpace(s.Cd); c != "" {
		return c
	}
	return strings.TrimSpace(s.Text)
}

type camtDate struct {
	Dt   string `xml:"Dt"`
	DtTm string `xml:"DtTm"`
}

func (d camtDate) day() string {
	if d.Dt != "" {
		return strings.TrimSpace(d.Dt)
	}
	if len(d.DtTm) >= 10 {
		return d.DtTm[:10]
	}
	return ""
}

type camtTx struct {
	AcctSvcrRef string     `xml:"Refs>AcctSvcrRef"`
	EndToEndID  string     `xml:"Refs>EndToEndId"`
	Amt         camtAmount `xml:"Amt"`
	TxAmt       camtAmount `xml:"AmtDtls>TxAmt>Amt"`
	CdtDbtInd   string     `xml:"CdtDbtInd"`
	Debtor      string     `xml:"RltdPties>Dbtr>Nm"`
	DebtorPty   string     `xml:"RltdPties>Dbtr>Pty>Nm"`
	Ustrd       []string   `xml:"RmtInf>Ustrd"`
	CdtrRef     string     `xml:"RmtInf>Strd>CdtrRefInf>Ref"`
}

// StatementLine is one credit of a statement as the import books it: an
// entry, or each transaction of a batched entry.
type StatementLine struct {
	// Ref identifies the line for good (the bank's reference, else a
	// digest of what the line says): the same line imported twice is
	// recognised by it.
	Ref         string
	BookingDate string
	AmountCents int64
	Currency    string
	Remittance  string
	Debtor      string
}

// ErrStatement is a body that is no readable camt.053 statement (400).
var ErrStatement = errors.New("camt.053: not a readable statement")

// maxStatementBytes bounds a statement file.
const maxStatementBytes = 16 << 20

// ParseCamt053 reads the booked credit lines of a camt.053 statement:
// debits, reversals and pending entries are left out; an entry with
// several transactions gives one line per transaction with its own
// amount and remittance information. Anything unreadable is ErrStatement.
func ParseCamt053(r io.Reader) ([]StatementLine, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxStatementBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStatement, err)
	}
	if len(body) > maxStatementBytes {
		return nil, fmt.Errorf("%w: larger than %d MB", ErrStatement, maxStatementBytes>>20)
	}
	var doc camtDocument
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStatement, err)
	}
	if len(doc.Stmts) == 0 {
		return nil, fmt.Errorf("%w: no BkToCstmrStmt/Stmt", ErrStatement)
	}
	var out []StatementLine
	for si, st := range doc.Stmts {
		for ei, e := range st.Entries {
			if strings.TrimSpace(e.CdtDbtInd) != "CRDT" || strings.EqualFold(strings.TrimSpace(e.RvslInd), "true") {
				continue
			}
			if c := e.Sts.code(); c != "" && c != "BOOK" {
				continue
			}
			lines, err := entryLines(st, e)
			if err != nil {
				return nil, fmt.Errorf("%w: statement %d entry %d: %v", ErrStatement, si+1, ei+1, err)
			}
			out = append(out, lines...)
		}
	}
	return out, nil
}

// entryLines splits an entry into its credit lines.
func entryLines(st camtStmt, e camtEntry) ([]StatementLine, error) {
	base := firstNonEmpty(e.AcctSvcrRef, e.NtryRef)
	day := firstNonEmpty(e.BookgDt.day(), e.ValDt.day())
	if len(e.Details) <= 1 {
		l := StatementLine{BookingDate: day, Currency: firstNonEmpty(e.Amt.Ccy, st.Ccy)}
		var err error
		if l.AmountCents, err = parseAmount(e.Amt.Value); err != nil {
			return nil, err
		}
		var tx camtTx
		if len(e.Details) == 1 {
			tx = e.Details[0]
		}
		l.Remittance, l.Debtor = remittance(tx, e.AddtlInfo), firstNonEmpty(tx.Debtor, tx.DebtorPty)
		l.Ref = lineRef(st, firstNonEmpty(base, tx.AcctSvcrRef), "", l)
		return []StatementLine{l}, nil
	}
	var out []StatementLine
	for i, tx := range e.Details {
		if ind := strings.TrimSpace(tx.CdtDbtInd); ind != "" && ind != "CRDT" {
			continue
		}
		amt := tx.Amt
		if strings.TrimSpace(amt.Value) == "" {
			amt = tx.TxAmt
		}
		l := StatementLine{BookingDate: day, Currency: firstNonEmpty(amt.Ccy, e.Amt.Ccy, st.Ccy)}
		var err error
		if l.AmountCents, err = parseAmount(amt.Value); err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i+1, err)
		}
		l.Remittance, l.Debtor = remittance(tx, ""), firstNonEmpty(tx.Debtor, tx.DebtorPty)
		ref := tx.AcctSvcrRef
		suffix := ""
		if ref == "" && base != "" {
			ref, suffix = base, "/"+strconv.Itoa(i+1)
		}
		l.Ref = lineRef(st, ref, suffix, l)
		out = append(out, l)
	}
	return out, nil
}

// lineRef is the line's lasting reference: account and the bank's
// reference, or a digest of account, day, amount and remittance when the
// bank gives none.
func lineRef(st camtStmt, ref, suffix string, l StatementLine) string {
	acct := firstNonEmpty(st.IBAN, st.OthrID)
	if ref = strings.TrimSpace(ref); ref != "" {
		return clean(acct+":"+ref+suffix, 200)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{acct, l.BookingDate, strconv.FormatInt(l.AmountCents, 10), l.Currency, l.Remittance, l.Debtor}, "\x1f")))
	return acct + ":sha256:" + hex.EncodeToString(sum[:16])
}

// remittance joins the unstructured remittance lines (and a structured
// creditor reference) of a transaction.
func remittance(tx camtTx, extra string) string {
	parts := append([]string{}, tx.Ustrd...)
	parts = append(parts, tx.CdtrRef, tx.EndToEndID, extra)
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && p != "NOTPROVIDED" {
			kept = append(kept, p)
		}
	}
	return clean(strings.Join(kept, " "), 1000)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// parseAmount reads an ISO 20022 amount ("1234.5", "1234.56") as cents:
// positive, at most two decimals, at most 10^13 cents.
func parseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("amount %q", clean(s, 40))
	}
	for len(frac) < 2 {
		frac += "0"
	}
	cents, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || cents <= 0 {
		return 0, fmt.Errorf("amount %q", clean(s, 40))
	}
	return cents, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// invoiceNumberPattern finds an invoice number in remittance text, also
// as banks mangle it: "RE-2026-000001", "RE 2026 000001", "RE2026000001".
var invoiceNumberPattern = regexp.MustCompile(`(?i)\bRE[\s-]?(\d{4})[\s-]?(\d{6})\b`)

// InvoiceNumbers are the distinct invoice numbers named in text, written
// as the invoices are numbered (RE-2026-000001).
func InvoiceNumbers(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range invoiceNumberPattern.FindAllStringSubmatch(text, -1) {
		n := "RE-" + m[1] + "-" + m[2]
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
