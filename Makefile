# mailaccess — run `make help` for the targets.
GO      ?= go
ADDR    ?= 127.0.0.1:8080
DATA    ?= data/demo
PKGS    ?= ./...

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## run the demo webmail: SQLite + built-in IMAP server seeded from testdata/ (Ctrl-C stops it)
	$(GO) run ./cmd/mailaccess demo -data $(DATA) -http.address $(ADDR)

.PHONY: test
test: ## the whole suite with -race against a throwaway PostgreSQL, Dovecot and headless Chromium
	$(GO) run ./internal/harness -- $(GO) test -race -count=1 $(PKGS)

.PHONY: build
build: ## build bin/mailaccess and bin/mailaccess-sync (sync, check, migrate only: for cron), static binaries (no cgo: nothing to link at start, and they run on any Linux of the same architecture)
	CGO_ENABLED=0 $(GO) build -o bin/mailaccess ./cmd/mailaccess
	CGO_ENABLED=0 $(GO) build -o bin/mailaccess-sync ./cmd/mailaccess-sync

.PHONY: bench
bench: ## Go benchmarks against the throwaway servers (not part of make test; MAILACCESS_BENCH_MESSAGES sizes the resync benchmark, default 100000)
	$(GO) run ./internal/harness -- $(GO) test -run '^$$' -bench . -benchmem $(PKGS)

N ?= 10000

.PHONY: bench-sync
bench-sync: ## sync engine vs raw FETCH and mbsync on a generated mailbox, on SQLite, PostgreSQL and PostgreSQL through PgBouncer (N=10000; N=100000 for the full run)
	@command -v mbsync >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q isync; } || { echo "install isync (mbsync) first: apt-get install isync"; exit 1; }
	@test -x /usr/sbin/pgbouncer || command -v pgbouncer >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q pgbouncer && { service pgbouncer stop || true; }; } || { echo "install pgbouncer first: apt-get install pgbouncer"; exit 1; }
	$(GO) run ./internal/benchsync -n $(N)

LOADFLAGS ?=

.PHONY: bench-load
bench-load: ## load benchmark (not in make test): 20 users with cold 10k mailboxes log in at once and browse, 2 workers vs inline; LOADFLAGS="-users 4 -messages 1000 -duration 15s" for a quick run
	$(GO) run ./internal/harness -- $(GO) run ./internal/loadtest $(LOADFLAGS)

.PHONY: lint
lint: ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

.PHONY: clean
clean: ## remove build output and the demo's data
	rm -rf bin data
