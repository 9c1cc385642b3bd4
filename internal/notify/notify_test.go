package notify_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/job"
	"coopshop/internal/notify"
	"coopshop/migrations"
)

// fakeSMTP is a tiny in-process SMTP server that records what it gets
// and refuses the first failFirst messages with a temporary error.
type fakeSMTP struct {
	ln        net.Listener
	mu        sync.Mutex
	failFirst int
	got       []string // raw DATA
	rcpts     []string
}

func startSMTP(t *testing.T, failFirst int) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln, failFirst: failFirst}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 fake ESMTP")
	var rcpt string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			rcpt = strings.Trim(strings.TrimSpace(line[len("RCPT TO:"):]), "<>")
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			if s.failFirst > 0 {
				s.failFirst--
				s.mu.Unlock()
				say("451 try again later")
				continue
			}
			s.got = append(s.got, data.String())
			s.rcpts = append(s.rcpts, rcpt)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *fakeSMTP) messages() ([]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...), append([]string(nil), s.rcpts...)
}

func TestSMTPSenderEncodes(t *testing.T) {
	srv := startSMTP(t, 0)
	sender, err := notify.NewSMTPSender("smtp://" + srv.ln.Addr().String() + "?from=vertrieb@kid.example")
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Message{To: "kaemmerei@boerde.example", Subject: "Zur Genehmigung: BA-2026-000001 – Größe 30.309,30 €",
		Body: "Die Bestellanforderung wartet auf Ihre Genehmigung.\nBetrag: 30.309,30 € brutto – Kämmerei", Entity: "order", EntityID: 7}
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got, rcpts := srv.messages()
	if len(got) != 1 || rcpts[0] != "kaemmerei@boerde.example" {
		t.Fatalf("got %d messages to %v", len(got), rcpts)
	}
	msg, err := mail.ReadMessage(strings.NewReader(got[0]))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject %q (%v)", subject, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(m.Body, "\n", "\r\n"); strings.TrimRight(string(body), "\r\n") != want {
		t.Errorf("body %q, want %q", body, want)
	}
	if msg.Header.Get("From") != "vertrieb@kid.example" || msg.Header.Get("X-Coopshop-Entity") != "order/7" {
		t.Errorf("headers %v", msg.Header)
	}
}

func TestNewSMTPSenderRefusesBadURLs(t *testing.T) {
	for _, raw := range []string{"http://mail.example", "smtp://", "smtp://mail.example?from=not-an-address", "::"} {
		if _, err := notify.NewSMTPSender(raw); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}

// TestMailJobsRetry: mails exist only when their transaction commits; a
// failed send is retried after the backoff and then done; nothing is sent
// twice.
func TestMailJobsRetry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		srv := startSMTP(t, 1)
		sender, err := notify.NewSMTPSender("smtp://" + srv.ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		msgs := []notify.Message{
			{Event: "order.submit", To: "a@boerde.example", Subject: "Eins", Body: "1", Entity: "order", EntityID: 1},
			{Event: "order.submit", To: "b@boerde.example", Subject: "Zwei", Body: "2", Entity: "order", EntityID: 1},
			{Event: "order.submit", To: "", Subject: "Niemand", Entity: "order", EntityID: 1},
		}
		if err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return notify.Enqueue(ctx, tx, msgs...) }); err != nil {
			t.Fatal(err)
		}
		errRollback := errors.New("rollback")
		err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := notify.Enqueue(ctx, tx, notify.Message{To: "c@boerde.example", Subject: "Nie", Entity: "order", EntityID: 1}); err != nil {
				return err
			}
			return errRollback
		})
		rows := forOrder(t, bdb)
		if !errors.Is(err, errRollback) || len(rows) != 2 {
			t.Fatalf("rolled-back or empty message stored (%v, %d rows)", err, len(rows))
		}

		clk := clock.NewManual(time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC))
		r := job.NewRunner(bdb, clk, quietLog())
		notify.Register(r, sender)
		if n, err := r.Drain(ctx); err != nil || n != 2 {
			t.Fatalf("round 1: ran %d, %v", n, err)
		}
		// Not due yet: nothing happens.
		if n, err := r.Drain(ctx); err != nil || n != 0 {
			t.Fatalf("round 2: ran %d, %v", n, err)
		}
		waiting := 0
		for _, row := range forOrder(t, bdb) {
			if row.SentAt == nil && strings.Contains(row.LastError, "451") {
				waiting++
			}
		}
		if waiting != 1 {
			t.Fatalf("%d messages waiting with the error", waiting)
		}
		clk.Advance(job.Backoff(1) + time.Second)
		if n, err := r.Drain(ctx); err != nil || n != 1 {
			t.Fatalf("round 3: ran %d, %v", n, err)
		}
		got, rcpts := srv.messages()
		if len(got) != 2 || !sameElems(rcpts, "a@boerde.example", "b@boerde.example") {
			t.Fatalf("delivered %v", rcpts)
		}
		for _, row := range forOrder(t, bdb) {
			if row.SentAt == nil || row.State != job.StateDone {
				t.Errorf("unsent: %+v", row)
			}
		}
		clk.Advance(24 * time.Hour)
		if n, _ := r.Drain(ctx); n != 0 {
			t.Fatal("sent again")
		}
	})
}

func forOrder(t *testing.T, bdb *bun.DB) []notify.Row {
	t.Helper()
	rows, err := notify.ForEntity(context.Background(), bdb, "order", 1)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestEnqueueOnceDeduplicates: a step job that runs twice (after a crash)
// enqueues its mails once.
func TestEnqueueOnceDeduplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		m := notify.Message{To: "a@boerde.example", Subject: "s", Entity: "order", EntityID: 1}
		for range 2 {
			if err := notify.EnqueueOnce(ctx, bdb, "job:7", m, m); err != nil {
				t.Fatal(err)
			}
		}
		if rows := forOrder(t, bdb); len(rows) != 2 {
			t.Fatalf("%d mails, want 2", len(rows))
		}
	})
}

// TestOutboxMovesIntoJobs: migration 0011 turns the outbox of 0005 into
// mail jobs (unsent ones pending with their attempts and error, sent ones
// done) and its down migration brings the outbox back.
func TestOutboxMovesIntoJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		m, err := db.NewMigrator(bdb, migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		for {
			mig, err := m.Down(ctx)
			if err != nil || mig == nil {
				t.Fatalf("down to 0010: %v %v", mig, err)
			}
			if mig.Version == 11 {
				break
			}
		}
		now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
		_, err = bdb.NewRaw(`INSERT INTO outbox (event, recipient, subject, body, entity, entity_id, created_at, due_at, attempts, last_error, sent_at)
			VALUES ('order.submit', 'a@boerde.example', 'Zur Genehmigung', 'Größe 1.234,56 €', 'order', 5, ?, ?, 2, '451 later', NULL),
			       ('order.approve', 'b@boerde.example', 'Genehmigt', 'ok', 'order', 5, ?, ?, 1, '', ?)`,
			now, now.Add(time.Minute), now, now, now.Add(time.Second)).Exec(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := notify.ForEntity(ctx, bdb, "order", 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d mail jobs, want 2", len(rows))
		}
		p, s := rows[0], rows[1]
		if p.To != "a@boerde.example" || p.Body != "Größe 1.234,56 €" || p.Event != "order.submit" || p.State != job.StatePending ||
			p.Attempts != 2 || p.LastError != "451 later" || p.SentAt != nil || p.EntityID != 5 {
			t.Errorf("pending: %+v", p)
		}
		if s.To != "b@boerde.example" || s.State != job.StateDone || s.SentAt == nil || !s.SentAt.Equal(now.Add(time.Second)) {
			t.Errorf("sent: %+v", s)
		}
		j, err := job.Get(ctx, bdb, p.JobID)
		if err != nil || j.RunAt == nil || !j.RunAt.Equal(now.Add(time.Minute)) {
			t.Errorf("pending job due at %v (%v)", j.RunAt, err)
		}
		rec := &recorder{}
		r := job.NewRunner(bdb, clock.NewManual(now.Add(time.Hour)), quietLog())
		notify.Register(r, rec)
		if n, err := r.Drain(ctx); err != nil || n != 1 || rec.n != 1 {
			t.Errorf("migrated mail sent %d times (%d jobs, %v)", rec.n, n, err)
		}
	})
}

// TestClaimsDoNotOverlapPG: four runners at once send each of 200 mails
// once.
func TestClaimsDoNotOverlapPG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	var msgs []notify.Message
	for i := 0; i < 200; i++ {
		msgs = append(msgs, notify.Message{To: "x@boerde.example", Subject: "s", Body: "b"})
	}
	if err := notify.Enqueue(ctx, bdb, msgs...); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := job.NewRunner(bdb, nil, quietLog())
			notify.Register(r, rec)
			if _, err := r.Drain(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if rec.n != 200 {
		t.Fatalf("sent %d, want 200 exactly once each", rec.n)
	}
}

type recorder struct {
	mu sync.Mutex
	n  int
}

func (r *recorder) Send(context.Context, notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return nil
}

func sameElems(a []string, b ...string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, v := range seen {
		if v != 0 {
			return false
		}
	}
	return true
}
