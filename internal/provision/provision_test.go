package provision_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/provision"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

func vpnName(no int) string { return fmt.Sprintf("vpn-boerde-%03d", no) }

func TestUnitsCreatedOnConfirm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		o := f.confirmed(t, map[string]int64{"T-VPN": 200, "T-NB": 2, "T-FILR": 3})
		lines, err := f.prov.ForOrder(ctx, f.P(t, "einkauf@boerde.example"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 2 {
			t.Fatalf("%d lines with provisioning, want 2 (VPN and Filr, not the notebook)", len(lines))
		}
		vpn := lines[lineNo(t, o, "T-VPN")]
		if vpn == nil || len(vpn.Units) != 200 || vpn.UnitCount != 200 || vpn.State != provision.LineOpen || vpn.Version != 1 {
			t.Fatalf("VPN line %+v", vpn)
		}
		for i, u := range vpn.Units {
			if u.UnitNo != i+1 || u.State != provision.Ordered || u.Name != "" || !u.ActivatedOn.IsZero() {
				t.Fatalf("unit %d: %+v", i+1, u)
			}
		}
		if got := lines[lineNo(t, o, "T-FILR")].Counts()[provision.Ordered]; got != 3 {
			t.Fatalf("Filr: %d ordered", got)
		}
		if vpn.OrderNumber != o.Number || vpn.SKU != "T-VPN" || vpn.MemberName != "Landkreis Börde" {
			t.Fatalf("line shows %q %q %q", vpn.OrderNumber, vpn.SKU, vpn.MemberName)
		}
		// An order without such products has none.
		plain := f.confirmed(t, map[string]int64{"T-MON": 1})
		if lines, err := f.prov.ForOrder(ctx, f.P(t, "einkauf@boerde.example"), plain.ID); err != nil || len(lines) != 0 {
			t.Fatalf("plain order: %v %v", lines, err)
		}
		// An order that is only submitted has none yet.
		sub := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-VPN": 5})
		if lines, err := f.prov.ForOrder(ctx, f.P(t, "einkauf@boerde.example"), sub.ID); err != nil || len(lines) != 0 {
			t.Fatalf("submitted order: %v %v", lines, err)
		}
	})
}

func TestBulk200ActiveInOneStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		o := f.confirmed(t, map[string]int64{"T-VPN": 200})
		no := lineNo(t, o, "T-VPN")
		sales := f.P(t, "vertrieb@kid.example")
		on := day.AddDays(-1)
		l, err := f.prov.Update(ctx, sales, o.ID, no, 1, units(1, 200, provision.Active, on, vpnName, ""))
		if err != nil {
			t.Fatal(err)
		}
		if l.State != provision.LineDone || l.Version != 2 || l.Counts()[provision.Active] != 200 || l.ActivatedOn != on {
			t.Fatalf("line %s v%d counts %v activated %s", l.State, l.Version, l.Counts(), l.ActivatedOn)
		}
		// What was answered was written.
		lines, err := f.prov.ForOrder(ctx, f.P(t, "einkauf@boerde.example"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range lines[no].Units {
			if u.State != provision.Active || u.Name != vpnName(u.UnitNo) || u.ActivatedOn != on {
				t.Fatalf("unit %+v", u)
			}
		}
		// One audit entry for the step, naming the 200 changes.
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "provisioning", EntityID: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Action != "provisioning.update" || entries[0].EntityVersion != 2 {
			t.Fatalf("audit %+v", entries)
		}
		var detail struct {
			Changes []struct {
				UnitNo int    `json:"unit_no"`
				From   string `json:"from"`
				To     string `json:"to"`
				Name   string `json:"name"`
			} `json:"changes"`
			LineNo int `json:"line_no"`
		}
		if err := json.Unmarshal([]byte(entries[0].Detail), &detail); err != nil {
			t.Fatal(err)
		}
		if len(detail.Changes) != 200 || detail.LineNo != no || detail.Changes[41].UnitNo != 42 ||
			detail.Changes[41].From != "ordered" || detail.Changes[41].To != "active" || detail.Changes[41].Name != "vpn-boerde-042" {
			t.Fatalf("audit detail: %d changes, %+v", len(detail.Changes), detail.Changes[:1])
		}
		// The seat subscription started once, from the activation date.
		if len(f.act.calls) != 1 || f.act.calls[0] != (activation{o.ID, no, on}) {
			t.Fatalf("activator calls %+v", f.act.calls)
		}
		// The board has nothing left of it.
		board, err := f.prov.Board(ctx, sales)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range board {
			if b.ID == l.ID {
				t.Fatal("a done line is on the board")
			}
		}
	})
}

func TestTransitionsAndInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		o := f.confirmed(t, map[string]int64{"T-VPN": 10})
		no := lineNo(t, o, "T-VPN")
		sales := f.P(t, "vertrieb@kid.example")
		// Unit 1 active, 2 in set-up, 3 failed, the rest ordered.
		_, err := f.prov.Update(ctx, sales, o.ID, no, 0, []provision.UnitInput{
			{UnitNo: 1, State: provision.Active, Name: "vpn-1", ActivatedOn: day},
			{UnitNo: 2, State: provision.InSetup},
			{UnitNo: 3, State: provision.Failed, Reason: "Zertifikat abgelehnt"},
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			in    provision.UnitInput
			field string
			says  string
		}{
			{"active back to ordered", provision.UnitInput{UnitNo: 1, State: provision.Ordered}, "units[0].state", "„aktiv“ kann nicht auf „bestellt“"},
			{"active back to in set-up", provision.UnitInput{UnitNo: 1, State: provision.InSetup}, "units[0].state", "„aktiv“ kann nicht auf „in Einrichtung“"},
			{"active to failed", provision.UnitInput{UnitNo: 1, State: provision.Failed, Reason: "x"}, "units[0].state", "Einheit 1"},
			{"in set-up back to ordered", provision.UnitInput{UnitNo: 2, State: provision.Ordered}, "units[0].state", "Einheit 2"},
			{"failed back to ordered", provision.UnitInput{UnitNo: 3, State: provision.Ordered}, "units[0].state", "Einheit 3"},
			{"active date changed", provision.UnitInput{UnitNo: 1, State: provision.Active, ActivatedOn: day.AddDays(-3)}, "units[0].activated_on", "nicht mehr ändern"},
			{"active without date", provision.UnitInput{UnitNo: 4, State: provision.Active, Name: "vpn-4"}, "units[0].activated_on", "fehlt das Aktivierungsdatum"},
			{"active in the future", provision.UnitInput{UnitNo: 4, State: provision.Active, Name: "vpn-4", ActivatedOn: day.AddDays(1)}, "units[0].activated_on", "Zukunft"},
			{"active without name", provision.UnitInput{UnitNo: 4, State: provision.Active, ActivatedOn: day}, "units[0].name", "fehlt der Name"},
			{"failed without reason", provision.UnitInput{UnitNo: 4, State: provision.Failed}, "units[0].reason", "fehlt der Grund"},
			{"reason on set-up", provision.UnitInput{UnitNo: 4, State: provision.InSetup, Reason: "x"}, "units[0].reason", "nur zum Status"},
			{"date on set-up", provision.UnitInput{UnitNo: 4, State: provision.InSetup, ActivatedOn: day}, "units[0].activated_on", "nur zum Status"},
			{"unknown unit", provision.UnitInput{UnitNo: 11, State: provision.InSetup}, "units[0].unit_no", "Einheiten 1 bis 10"},
			{"unit 0", provision.UnitInput{UnitNo: 0, State: provision.InSetup}, "units[0].unit_no", "fehlt"},
			{"unknown state", provision.UnitInput{UnitNo: 4, State: "done"}, "units[0].state", "Unbekannter Status"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.prov.Update(ctx, sales, o.ID, no, 0, []provision.UnitInput{tt.in})
				ordertest.WantCode(t, err, apperr.Invalid)
				fields := apperr.FieldsOf(err)
				if len(fields) == 0 || fields[0].Field != tt.field || !strings.Contains(fields[0].Message, tt.says) {
					t.Fatalf("fields %+v, want %s saying %q", fields, tt.field, tt.says)
				}
			})
		}
		// A bulk step with one bad unit changes nothing, and names the
		// bad one by its place in the request.
		bulk := units(4, 9, provision.InSetup, calendar.Date{}, nil, "")
		bulk = append(bulk, provision.UnitInput{UnitNo: 1, State: provision.Ordered})
		_, err = f.prov.Update(ctx, sales, o.ID, no, 0, bulk)
		ordertest.WantCode(t, err, apperr.Invalid)
		if fields := apperr.FieldsOf(err); len(fields) != 1 || fields[0].Field != "units[6].state" {
			t.Fatalf("fields %+v", fields)
		}
		// The same unit twice is refused before anything is read.
		_, err = f.prov.Update(ctx, sales, o.ID, no, 0, []provision.UnitInput{{UnitNo: 5, State: provision.InSetup}, {UnitNo: 5, State: provision.Active}})
		ordertest.WantCode(t, err, apperr.Invalid)
		l, err := f.prov.Line(ctx, sales, o.ID, no)
		if err != nil {
			t.Fatal(err)
		}
		if c := l.Counts(); c[provision.Ordered] != 7 || c[provision.Active] != 1 || l.Version != 2 {
			t.Fatalf("after refusals: %v v%d", c, l.Version)
		}
		// Allowed: a failed unit is set up again (its reason goes), a
		// unit in set-up becomes active, an active one gets a new name.
		l, err = f.prov.Update(ctx, sales, o.ID, no, l.Version, []provision.UnitInput{
			{UnitNo: 3, State: provision.InSetup},
			{UnitNo: 2, State: provision.Active, Name: "vpn-2", ActivatedOn: day.AddDays(-2)},
			{UnitNo: 1, State: provision.Active, Name: "vpn-1-neu"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if u := l.Unit(3); u.State != provision.InSetup || u.Reason != "" {
			t.Fatalf("unit 3 %+v", u)
		}
		if u := l.Unit(1); u.Name != "vpn-1-neu" || u.ActivatedOn != day {
			t.Fatalf("unit 1 %+v", u)
		}
		// The line's first activation stays the first one recorded.
		if l.ActivatedOn != day || len(f.act.calls) != 1 || f.act.calls[0].On != day {
			t.Fatalf("line activated %s, calls %+v", l.ActivatedOn, f.act.calls)
		}
	})
}

func TestStaleVersionAndVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		o := f.confirmed(t, map[string]int64{"T-VPN": 5, "T-MON": 1})
		no := lineNo(t, o, "T-VPN")
		sales := f.P(t, "vertrieb@kid.example")
		step := units(1, 2, provision.InSetup, calendar.Date{}, nil, "")
		if _, err := f.prov.Update(ctx, sales, o.ID, no, 1, step); err != nil {
			t.Fatal(err)
		}
		_, err := f.prov.Update(ctx, sales, o.ID, no, 1, units(3, 3, provision.InSetup, calendar.Date{}, nil, ""))
		ordertest.WantCode(t, err, apperr.Conflict)
		if !strings.Contains(apperr.MessageOf(err), "inzwischen geändert") {
			t.Fatalf("message %q", apperr.MessageOf(err))
		}
		tests := []struct {
			name  string
			email string
			line  int
			want  apperr.Code
		}{
			{"sales lead moves units", "vertriebsleitung@kid.example", no, ""},
			{"member of another organisation", "einkauf@weissenfels.example", no, apperr.NotFound},
			{"approver of another organisation", "genehmigung@weissenfels.example", no, apperr.NotFound},
			{"purchaser of the member", "einkauf@boerde.example", no, apperr.Forbidden},
			{"finance reads, does not provision", "finanzen@kid.example", no, apperr.Forbidden},
			{"line without provisioning", "vertrieb@kid.example", lineNo(t, o, "T-MON"), apperr.NotFound},
			{"line without provisioning, other member", "einkauf@weissenfels.example", lineNo(t, o, "T-MON"), apperr.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.prov.Update(ctx, f.P(t, tt.email), o.ID, tt.line, 0, units(4, 4, provision.InSetup, calendar.Date{}, nil, ""))
				ordertest.WantCode(t, err, tt.want)
			})
		}
		_, err = f.prov.Update(ctx, sales, o.ID+1000, 1, 0, step)
		ordertest.WantCode(t, err, apperr.NotFound)
		// Reading: another member's order and services are invisible.
		_, err = f.prov.ForOrder(ctx, f.P(t, "einkauf@weissenfels.example"), o.ID)
		ordertest.WantCode(t, err, apperr.NotFound)
		_, err = f.prov.Line(ctx, f.P(t, "einkauf@weissenfels.example"), o.ID, no)
		ordertest.WantCode(t, err, apperr.NotFound)
		_, err = f.prov.ServicesOf(ctx, f.P(t, "einkauf@weissenfels.example"), f.Boerde)
		ordertest.WantCode(t, err, apperr.NotFound)
		_, err = f.prov.Board(ctx, f.P(t, "einkauf@boerde.example"))
		ordertest.WantCode(t, err, apperr.Forbidden)
		mine, err := f.prov.ServicesOf(ctx, f.P(t, "einkauf@boerde.example"), f.Boerde)
		if err != nil || len(mine) == 0 || len(mine[0].Units) != 5 {
			t.Fatalf("own services %v %v", mine, err)
		}
		if all, err := f.prov.ServicesOf(ctx, f.P(t, "revision@kid.example"), f.Boerde); err != nil || len(all) != len(mine) {
			t.Fatalf("auditor reads %d lines, %v", len(all), err)
		}
	})
}

func TestActivatorOncePerSeatLine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		o := f.confirmed(t, map[string]int64{"T-VPN": 30, "T-FILR": 4})
		vpn, filr := lineNo(t, o, "T-VPN"), lineNo(t, o, "T-FILR")
		sales := f.P(t, "vertrieb@kid.example")
		// Units 1–10 in one step, two dates: the earliest starts it.
		in := units(1, 10, provision.Active, day, vpnName, "")
		in[7].ActivatedOn = day.AddDays(-5)
		if _, err := f.prov.Update(ctx, sales, o.ID, vpn, 0, in); err != nil {
			t.Fatal(err)
		}
		// More units later, and a name correction: no second start.
		if _, err := f.prov.Update(ctx, sales, o.ID, vpn, 0, units(11, 30, provision.Active, day, vpnName, "")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.prov.Update(ctx, sales, o.ID, vpn, 0, []provision.UnitInput{{UnitNo: 1, State: provision.Active, Name: "neu"}}); err != nil {
			t.Fatal(err)
		}
		// A Filr folder is no seat: its activation starts nothing.
		if _, err := f.prov.Update(ctx, sales, o.ID, filr, 0, units(1, 4, provision.Active, day, vpnName, "")); err != nil {
			t.Fatal(err)
		}
		want := []activation{{o.ID, vpn, day.AddDays(-5)}}
		if len(f.act.calls) != 1 || f.act.calls[0] != want[0] {
			t.Fatalf("activator calls %+v, want %+v", f.act.calls, want)
		}
		// A failing Activator undoes the whole step.
		f.act.calls = nil
		o2 := f.confirmed(t, map[string]int64{"T-VPN": 2})
		f.prov.Activator = failing{}
		_, err := f.prov.Update(ctx, sales, o2.ID, 1, 0, units(1, 2, provision.Active, day, vpnName, ""))
		if err == nil {
			t.Fatal("a failing activator did not fail the step")
		}
		l, err := f.prov.Line(ctx, sales, o2.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if l.Counts()[provision.Ordered] != 2 || !l.ActivatedOn.IsZero() || l.Version != 1 {
			t.Fatalf("after a failed start: %v %s v%d", l.Counts(), l.ActivatedOn, l.Version)
		}
	})
}

// failing is an Activator that refuses.
type failing struct{}

func (failing) Activate(context.Context, bun.IDB, int64, int, calendar.Date) error {
	return fmt.Errorf("no subscription")
}

// TestConcurrentBulkUpdatesPG: 12 bulk steps on the same line at once.
// Without a version each waits for the row lock and applies on top of the
// one before (every unit written once, versions 2…13); with the version
// they saw, exactly one wins and the others get a conflict.
func TestConcurrentBulkUpdatesPG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	f := setup(t, bdb)
	ctx := context.Background()
	const n, per = 12, 10
	o := f.confirmed(t, map[string]int64{"T-VPN": n * per})
	no := lineNo(t, o, "T-VPN")
	sales := f.P(t, "vertrieb@kid.example")
	run := func(version int64) (ok, conflicts int, others []error) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				in := units(i*per+1, (i+1)*per, provision.InSetup, calendar.Date{}, nil, "")
				if version != 0 {
					in = units(i*per+1, (i+1)*per, provision.Active, day, vpnName, "")
				}
				_, err := f.prov.Update(ctx, sales, o.ID, no, version, in)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case apperr.CodeOf(err) == apperr.Conflict:
					conflicts++
				default:
					others = append(others, err)
				}
			}(i)
		}
		close(start)
		wg.Wait()
		return ok, conflicts, others
	}
	if ok, conflicts, others := run(0); ok != n || conflicts != 0 || len(others) != 0 {
		t.Fatalf("without version: %d ok, %d conflicts, %v", ok, conflicts, others)
	}
	l, err := f.prov.Line(ctx, sales, o.ID, no)
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != 1+n || l.Counts()[provision.InSetup] != n*per {
		t.Fatalf("after %d serialized steps: v%d %v", n, l.Version, l.Counts())
	}
	if ok, conflicts, others := run(l.Version); ok != 1 || conflicts != n-1 || len(others) != 0 {
		t.Fatalf("with version: %d ok, %d conflicts, %v", ok, conflicts, others)
	}
	entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "provisioning", EntityID: l.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n+1 || len(f.act.calls) != 1 {
		t.Fatalf("%d audit entries, %d activations", len(entries), len(f.act.calls))
	}
}

// TestUnitsCreatedOnQuoteAcceptance: an order confirmed by the member's
// acceptance of its quotation gets its units in that transaction too
// (sales.Accept → order.ConfirmQuoted → the hook); a free line of the
// quotation has no product and so no units.
func TestUnitsCreatedOnQuoteAcceptance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb)
		ctx := context.Background()
		// The quote-only on-site service of the test catalog is set up
		// per unit for this test.
		if _, err := bdb.NewUpdate().Table("products").Set("setup_required = ?", true).Where("sku = ?", "T-SRV").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		o, q := quotetest.AcceptedWith(t, f.Fixture, quotetest.Service(f.Fixture), quotetest.Installation)
		if o.State != order.StateConfirmed || q.State != quote.StateAccepted {
			t.Fatalf("order %s, quote %s", o.State, q.State)
		}
		lines, err := f.prov.ForOrder(ctx, f.P(t, "einkauf@boerde.example"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		srv := lines[lineNo(t, o, "T-SRV")]
		if len(lines) != 1 || srv == nil || len(srv.Units) != 3 || srv.Counts()[provision.Ordered] != 3 {
			t.Fatalf("provisioning after acceptance: %v", lines)
		}
	})
}
