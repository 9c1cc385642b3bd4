// Package metric is what /metrics exposes, in the Prometheus text format
// (version 0.0.4): HTTP requests per route, the job queue, the database
// pool and the process. It is written here rather than taken from
// client_golang: a counter and a fixed-bucket histogram per route are a few
// atomic adds on the path of every request, and the exposition is a page
// of text.
package metric

import (
	"sort"
	"sync/atomic"
	"time"
)

// durationBounds are the upper bounds of the request duration histogram
// (Prometheus' default buckets), in nanoseconds.
var durationBounds = [...]int64{
	5e6, 10e6, 25e6, 50e6, 100e6, 250e6, 500e6, 1e9, 2.5e9, 5e9, 10e9,
}

// OtherRoute labels requests that matched no route of the tables (404s,
// and requests refused before routing, such as an invalid bearer token).
const OtherRoute = "other"

// series is the histogram of one route, method and status class; its
// count is the sum of its buckets.
type series struct {
	buckets [len(durationBounds) + 1]atomic.Uint64 // not cumulative; last is +Inf
	sumNS   atomic.Uint64
}

// route holds a route's series per status class (1xx … 5xx), each made on
// the route's first request of that class.
type route struct {
	method, path string
	classes      [5]atomic.Pointer[series]
}

type routeKey struct{ method, path string }

// Requests counts HTTP requests and their durations per route pattern
// (`/api/v1/orders/:id`, never the raw path), method and status class.
// Routes are registered while the server is built; Observe, on every
// request, reads the finished map without a lock.
type Requests struct {
	routes map[routeKey]*route
	other  map[string]*route // by method
	sealed atomic.Bool
}

// NewRequests makes an empty set; Route registers each route of the
// server before it serves.
func NewRequests() *Requests {
	return &Requests{routes: map[routeKey]*route{}, other: map[string]*route{}}
}

// Route registers a route pattern. It must not run concurrently with
// Observe: the server calls it for its routes before serving.
func (r *Requests) Route(method, path string) {
	if r.sealed.Load() {
		panic("metric: Route after the first Observe")
	}
	k := routeKey{method, path}
	if r.routes[k] == nil {
		r.routes[k] = &route{method: method, path: path}
	}
	if r.other[method] == nil {
		r.other[method] = &route{method: method, path: OtherRoute}
	}
}

// Observe records one finished request of the route registered as method
// and path; an unregistered one counts as OtherRoute.
func (r *Requests) Observe(method, path string, status int, d time.Duration) {
	if !r.sealed.Load() {
		r.sealed.Store(true)
	}
	rt := r.routes[routeKey{method, path}]
	if rt == nil {
		if rt = r.other[method]; rt == nil {
			return // a method no route has: not worth a series
		}
	}
	class := status/100 - 1
	if class < 0 || class > 4 {
		class = 4
	}
	s := rt.classes[class].Load()
	if s == nil {
		rt.classes[class].CompareAndSwap(nil, new(series))
		s = rt.classes[class].Load()
	}
	ns := d.Nanoseconds()
	i := 0
	for i < len(durationBounds) && ns > durationBounds[i] {
		i++
	}
	s.buckets[i].Add(1)
	if ns > 0 {
		s.sumNS.Add(uint64(ns))
	}
}

// sorted lists the routes with their series in a stable order: by path,
// then method, with the unmatched ones last.
func (r *Requests) sorted() []*route {
	out := make([]*route, 0, len(r.routes)+len(r.other))
	for _, rt := range r.routes {
		out = append(out, rt)
	}
	for _, rt := range r.other {
		out = append(out, rt)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.path == OtherRoute) != (b.path == OtherRoute) {
			return b.path == OtherRoute
		}
		if a.path != b.path {
			return a.path < b.path
		}
		return a.method < b.method
	})
	return out
}
