package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"coopshop/internal/metric"
)

// TestCountRequestByRoute: requests are counted under the route pattern,
// not the raw path; what no route answered counts as "other".
func TestCountRequestByRoute(t *testing.T) {
	reg := metric.New(nil, nil)
	s, err := New(Deps{Metrics: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, []Route{
		Open("GET", "/api/v1/orders/:id", func(c *fiber.Ctx) error { return c.SendString(c.Params("id")) }),
		Open("GET", "/boom", func(c *fiber.Ctx) error { return fiber.ErrBadGateway }),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/orders/1", "/api/v1/orders/2", "/boom", "/nowhere"} {
		resp, err := s.App.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var buf bytes.Buffer
	if err := reg.Write(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`coopshop_http_requests_total{method="GET",route="/api/v1/orders/:id",code="2xx"} 2` + "\n",
		`coopshop_http_requests_total{method="GET",route="/boom",code="5xx"} 1` + "\n",
		`coopshop_http_requests_total{method="GET",route="other",code="4xx"} 1` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if strings.Contains(out, "/api/v1/orders/1") || strings.Contains(out, "/nowhere") {
		t.Error("a raw path in the exposition")
	}
}

// BenchmarkCountRequest compares a bare fiber route, the route behind a
// middleware that does nothing, and the route behind countRequest: the
// difference between the last two is what counting costs a request.
func BenchmarkCountRequest(b *testing.B) {
	handler := func(c *fiber.Ctx) error { return c.SendString("ok") }
	for _, name := range []string{"bare", "noop", "counted"} {
		b.Run(name, func(b *testing.B) {
			app := fiber.New(fiber.Config{DisableStartupMessage: true})
			if name == "noop" {
				app.Use(func(c *fiber.Ctx) error { return c.Next() })
			}
			if name == "counted" {
				s := &Server{Deps: Deps{Metrics: metric.New(nil, nil)}}
				app.Use(s.countRequest)
				s.Metrics.Requests.Route("GET", "/api/v1/orders/:id")
			}
			app.Get("/api/v1/orders/:id", handler)
			h := app.Handler()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var fctx fasthttp.RequestCtx
				for pb.Next() {
					fctx.Request.Reset()
					fctx.Response.Reset()
					fctx.Request.Header.SetMethod("GET")
					fctx.Request.SetRequestURI("/api/v1/orders/42")
					h(&fctx)
				}
			})
		})
	}
}
