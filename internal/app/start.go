package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/config"
)

// migratingMessage is what a request hears while the process migrates.
const migratingMessage = "coopshop startet gerade (die Datenbank wird migriert). Bitte versuchen Sie es in wenigen Sekunden erneut."

// Run is `coopshop serve`: it answers on ln at once – /healthz 200,
// /readyz 503 with status "migrating", every other path 503 with
// Retry-After – while it migrates bdb and wires the program (Build), then
// serves the program on the same listener until ctx ends. A load balancer
// thus sees a live process that is not ready yet, never a refused
// connection, also while another process holds the migration lock.
// started is called with the program before it serves (nil: not at all).
// Run closes bdb when it returns.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, bdb *bun.DB, ln net.Listener, started func(*App), opts ...Option) error {
	h := newHandoff(ln)
	defer h.close()
	dialect := bdb.Dialect().Name().String()
	early := &http.Server{Handler: migrating(dialect), ReadHeaderTimeout: 10 * time.Second}
	earlyDone := make(chan error, 1)
	go func() { earlyDone <- early.Serve(h.stage(false)) }()
	stopEarly := func() error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err := early.Shutdown(sctx)
		if serr := <-earlyDone; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		return err
	}
	log.Info("migrating before serving; /readyz answers 503 meanwhile", "addr", ln.Addr().String())
	a, err := Build(ctx, cfg, log, bdb, opts...)
	if err != nil {
		_ = stopEarly()
		return err
	}
	defer a.Close()
	if err := stopEarly(); err != nil {
		log.Warn("the answer while migrating did not stop cleanly", "err", err)
	}
	if started != nil {
		started(a)
	}
	return a.Serve(ctx, h.stage(true))
}

// migrating answers every request while the schema is migrated: liveness
// yes, readiness no (in /readyz's shape, status "migrating"), and 503 with
// Retry-After for everything else, as problem+json under /api/.
func migrating(dialect string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case r.URL.Path == "/healthz":
			writeJSON(w, "application/json", http.StatusOK, map[string]string{"status": "ok"})
		case r.URL.Path == "/readyz":
			writeJSON(w, "application/json", http.StatusServiceUnavailable,
				map[string]string{"status": "migrating", "database": dialect, "message": migratingMessage})
		case strings.HasPrefix(r.URL.Path, "/api/"):
			w.Header().Set("Retry-After", "5")
			writeJSON(w, "application/problem+json", http.StatusServiceUnavailable, map[string]any{
				"type": "/problems/unavailable", "title": "Vorübergehend nicht verfügbar",
				"status": http.StatusServiceUnavailable, "detail": migratingMessage})
		default:
			w.Header().Set("Retry-After", "5")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, migratingMessage)
		}
	})
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
