# turns: `make run` opens the chat on the offline local backend; `make test` runs every test.
# Both install what a fresh Debian machine lacks first (with sudo when not root).

SHELL := /bin/bash
SWIFT ?= swift
BUILD_DEPS := libcurl4-openssl-dev libncurses-dev libdeflate-dev pkg-config
TEST_DEPS := tmux python3 python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN = $(shell $(SWIFT) build --show-bin-path)
PYENV := .build/pyenv

.PHONY: run test build release deps test-deps python-peers sdk-compat bench soak serve-load fuzz sanitize clean

## Install the C libraries the build links against, when missing.
deps:
	@scripts/ensure-packages $(BUILD_DEPS)

## Install what the end-to-end tests drive (tmux, python for the SDK peer), when missing.
test-deps: deps
	@scripts/ensure-packages $(TEST_DEPS)

build: deps
	$(SWIFT) build

## A self-contained release binary (the Swift runtime linked in: it starts in half the time and needs no toolchain).
## Only the products: the test-support target imports XCTest, which has no static library.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product turns

## Open the chat (the local backend unless ANTHROPIC_API_KEY or a config file says otherwise).
run: build
	@"$(BIN)/turns" $(ARGS)

## Every test: the Swift suites, then the official SDK as a peer of `turns serve` when it can be installed.
test: test-deps
	$(SWIFT) build --build-tests
	@scripts/run-tests

## The official Python SDK (anthropic==0.125.0) against `turns serve`, compared with `turns --print`.
sdk-compat: build
	@scripts/sdk-compat "$(BIN)/turns" "$(PYENV)"

## Every user-facing budget measured on release builds, printed as one table (see BENCHMARKS.md).
bench: deps
	@scripts/bench

## 1,000 requests through the fault-injecting proxy (SOAK_REQUESTS=N to change), and 200 concurrent streams.
soak: build
	SOAK_REQUESTS=$${SOAK_REQUESTS:-1000} scripts/soak

serve-load: build
	scripts/serve-load

clean:
	rm -rf .build

## libFuzzer on the parsers and decoders (FUZZ_SECONDS=N per target; see scripts/fuzz).
fuzz:
	scripts/fuzz

## The Swift tests under AddressSanitizer and ThreadSanitizer (.build-asan, .build-tsan; slow, not part of `make test`).
sanitize: test-deps
	scripts/sanitize
