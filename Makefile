# sockdoctor's build, test and demo entry points. Every target works on a
# fresh Linux or macOS machine with Go installed; modules come from the Go
# module proxy on first use.

GO        ?= go
BIN       ?= bin/sockdoctor
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/sockdoctor/sockdoctor/internal/cli.Version=$(VERSION)
FUZZTIME  ?= 10s
BENCHTIME ?= 1s
# DEMO_KEEP names a new or empty folder in which make demo keeps the app
# bundle and the home folder it builds.
DEMO_KEEP ?=

.PHONY: build test demo bench fuzz clean

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/sockdoctor

test:
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	$(GO) test -count=1 ./...

demo:
	$(GO) run ./internal/demo $(if $(DEMO_KEEP),-keep '$(DEMO_KEEP)')

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

# Runs every fuzz target for FUZZTIME each; go test accepts one target at a
# time, so the loop lists them per package first. Minimising a new input
# gets 2s instead of the default 60s, which stalls targets whose inputs are
# a few KB (Mach-O files, profiles).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg; \
		done; \
	done

clean:
	rm -rf bin
