# coopshop – `make run` starts the demo, `make test` runs the tests.
GO          ?= go
BIN         := bin/coopshop
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOBIN       := $(shell $(GO) env GOPATH)/bin

# PostgreSQL tests run when a server answers on 127.0.0.1:5432 (as on the
# project's machines) or TEST_DATABASE_URL is set; otherwise SQLite only.
TEST_DATABASE_URL ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && echo 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable')
export TEST_DATABASE_URL

.PHONY: run build test test-short bench fuzz lint fmt clean

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

## fuzz: each fuzz target briefly (CI runs this)
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
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
