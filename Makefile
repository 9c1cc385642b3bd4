# coopshop – `make run` starts the demo, `make test` runs the tests.
GO          ?= go
BIN         := bin/coopshop
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOBIN       := $(shell $(GO) env GOPATH)/bin

# PostgreSQL tests run when a server answers on 127.0.0.1:5432 (as on the
# project's machines) or TEST_DATABASE_URL is set; otherwise SQLite only.
TEST_DATABASE_URL ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && echo 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable')
export TEST_DATABASE_URL

.PHONY: run build test test-short bench load fuzz lint fmt clean

## run: build, create the demo data (prints the logins) and serve on SQLite
run: build
	./$(BIN) seed
	./$(BIN) serve

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/coopshop

## test: all tests with the race detector, on SQLite and (if reachable) PostgreSQL
test:
	@if [ -z "$(TEST_DATABASE_URL)" ]; then echo "make test: no PostgreSQL found (set TEST_DATABASE_URL): running SQLite only"; fi
	$(GO) test -race -count=1 -timeout 20m ./...

test-short:
	$(GO) test -count=1 ./...

## bench: the performance benchmarks (figures go into the issue notes)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## load: coopshop-load runs pgbench with the order-shaped transaction, then the
## load (flow, submits alone, catalog JSON) on the same PostgreSQL, then the catalog
## benchmarks run next to their bare baselines; prints the ratios of issue 15's
## targets and, with PostgreSQL on this machine, the database's CPU per step.
## LOAD_DATABASE_URL must name a database only for the measurement
## (createdb -h 127.0.0.1 -U postgres coopshop_load).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coopshop_load?sslmode=disable
LOAD_CLIENTS      ?= 8
LOAD_SECONDS      ?= 10
load:
	@command -v pgbench >/dev/null 2>&1 || { echo "make load: pgbench not found: apt-get install postgresql-client (or postgresql-contrib; it is also in /usr/lib/postgresql/*/bin)"; exit 1; }
	@psql -q "$(LOAD_DATABASE_URL)" -c 'SELECT 1' >/dev/null || { echo "make load: cannot reach $(LOAD_DATABASE_URL): createdb -h 127.0.0.1 -U postgres coopshop_load"; exit 1; }
	PGOPTIONS='--client-min-messages=warning' psql -q -v ON_ERROR_STOP=1 "$(LOAD_DATABASE_URL)" -f cmd/coopshop-load/pgbench_setup.sql
	$(GO) run ./cmd/coopshop-load --db "$(LOAD_DATABASE_URL)" -c $(LOAD_CLIENTS) -d $(LOAD_SECONDS)s --pgbench cmd/coopshop-load/order.pgbench.sql
	$(GO) test -count=1 -run '^$$' -bench Catalog -benchtime 2s ./internal/web/api/

## fuzz: each fuzz target briefly (CI runs this). Go 1.26's fuzzer may end a
## run at its -fuzztime with "context deadline exceeded" and no failing input
## (golang/go#75804, fixed in Go 1.27): such a run counts as passed; a failing
## input is always written to testdata/fuzz/<target>/ and fails the run.
FUZZTIME ?= 10s
fuzz:
	@out=$$(mktemp); trap 'rm -f $$out' EXIT; \
	for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; \
	    before=$$(ls $$dir/testdata/fuzz/$$f 2>/dev/null | wc -l); \
	    if ! $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg >$$out 2>&1; then \
	      cat $$out; \
	      after=$$(ls $$dir/testdata/fuzz/$$f 2>/dev/null | wc -l); \
	      if [ "$$after" -gt "$$before" ] || ! grep -q '^    context deadline exceeded$$' $$out; then exit 1; fi; \
	      echo "fuzz $$f: Go's race at the end of -fuzztime (golang/go#75804), no failing input written: passed"; \
	    else tail -n 3 $$out; fi; \
	  done; \
	done

## lint: gofmt, go vet, staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@test -x $(GOBIN)/staticcheck || $(GO) install $(STATICCHECK)
	$(GOBIN)/staticcheck ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin data
