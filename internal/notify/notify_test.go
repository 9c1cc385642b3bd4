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

	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
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

func countRows(t *testing.T, bdb *bun.DB, where string) int {
	t.Helper()
	n, err := bdb.NewSelect().Table("outbox").Where(where).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestDispatcherRetries: messages exist only when their transaction
// commits; a failed send is retried after the backoff and then marked
// sent; nothing is sent twice.
func TestDispatcherRetries(t *testing.T) {
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
		}
		if err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return notify.Enqueue(ctx, tx, msgs...) }); err != nil {
			t.Fatal(err)
		}
		errRollback := errors.New("rollback")
		err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := notify.Enqueue(ctx, tx, notify.Message{To: "c@boerde.example", Subject: "Nie"}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) || countRows(t, bdb, "1=1") != 2 {
			t.Fatalf("rolled-back message stored (%v, %d rows)", err, countRows(t, bdb, "1=1"))
		}

		now := time.Now().UTC()
		d := &notify.Dispatcher{DB: bdb, Sender: sender, Now: func() time.Time { return now }, Log: quietLog()}
		sent, failed, err := d.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 1 {
			t.Fatalf("round 1: sent %d failed %d err %v", sent, failed, err)
		}
		// Not due yet: nothing happens.
		if sent, failed, err := d.RunOnce(ctx); err != nil || sent+failed != 0 {
			t.Fatalf("round 2: sent %d failed %d err %v", sent, failed, err)
		}
		if n := countRows(t, bdb, "sent_at IS NULL AND last_error LIKE '%451%'"); n != 1 {
			t.Fatalf("%d messages waiting with the error", n)
		}
		now = now.Add(notify.Backoff(1) + time.Second)
		sent, failed, err = d.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("round 3: sent %d failed %d err %v", sent, failed, err)
		}
		got, rcpts := srv.messages()
		if len(got) != 2 || !sameElems(rcpts, "a@boerde.example", "b@boerde.example") {
			t.Fatalf("delivered %v", rcpts)
		}
		if n := countRows(t, bdb, "sent_at IS NULL"); n != 0 {
			t.Fatalf("%d unsent", n)
		}
		now = now.Add(24 * time.Hour)
		if sent, _, _ := d.RunOnce(ctx); sent != 0 {
			t.Fatal("sent again")
		}
	})
}

// TestClaimsDoNotOverlapPG: two dispatchers at once never claim the same
// message (FOR UPDATE SKIP LOCKED plus the lease).
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
			d := &notify.Dispatcher{DB: bdb, Sender: rec, Batch: 7, Log: quietLog()}
			for {
				sent, _, err := d.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if sent == 0 {
					return
				}
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
