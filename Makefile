# The one command that runs every test: `make test`.
# `bash .ci/run` installs what the tests need on a clean Debian machine first,
# then runs `make test`. Tests whose tools are missing skip with a message;
# with CI=true (GitHub sets it; so does .ci/run) a missing tool fails instead.

SHELL := /bin/bash
GO ?= go
CORPUS ?= $(CURDIR)/.cache/corpus
export DIST_CORPUS := $(CORPUS)

# missing reports a missing test tool: a message locally, a failure with
# CI=true. Use it as the else branch of a shell test: `else $(missing); fi`,
# after echoing what is skipped.
missing = if [ "$${CI:-}" = true ]; then echo "CI=true: a missing test tool fails the run (bash .ci/install.sh installs it)"; exit 1; fi

.PHONY: test lint unit e2e oracle fuzz corpus image act workflows build tidy-check demo bench-smoke bench trust-age sigstore-trust

test: lint corpus unit oracle fuzz workflows image act bench-smoke trust-age
	@echo "make test: all checks passed"

build:
	$(GO) build ./... && $(GO) test -run='^$$' ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... && $(GO) vet -tags nodemo .
	@if command -v staticcheck >/dev/null 2>&1 || [ -x "$$HOME/go/bin/staticcheck" ]; then \
		PATH="$$PATH:$$HOME/go/bin" staticcheck ./...; else echo "lint: staticcheck not installed, skipped"; $(missing); fi
	bash .ci/situations-check.sh
	python3 .ci/links.py .

# Real distributions built by Debian's build backends (setuptools, hatchling,
# flit, poetry-core) plus Debian's own wheels; tests read DIST_CORPUS.
corpus:
	@if [ -f "$(CORPUS)/manifest.json" ]; then echo "corpus: reusing $(CORPUS)"; \
	elif [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import build' 2>/dev/null; then \
		rm -rf "$(CORPUS)"; bash .ci/build-corpus.sh "$(CORPUS)"; \
	else echo "corpus: python3-build missing, corpus tests will skip"; $(missing); fi

unit:
	$(GO) test -count=1 -race -shuffle=on -timeout=20m ./...

e2e:
	$(GO) test -count=1 -timeout=10m ./test/...

oracle:
	@if [ -d test/oracle ]; then cd test/oracle && $(GO) test -count=1 -timeout=10m ./...; fi

# Each fuzz target runs briefly as a smoke check; seeds live in testdata.
# The budget is a count of inputs, not a duration: with -fuzztime=5s Go's
# fuzz coordinator can report its own deadline ("context deadline exceeded")
# as a failure when the time runs out while a worker is busy with a new
# input. A count has no deadline, so only a real finding fails the check.
# Run one target for longer by hand: make fuzz FUZZTIME=2m
FUZZTIME ?= 50000x
fuzz:
	@set -e; for pkg in $$($(GO) list ./... ); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) $$pkg; \
		done; done

workflows:
	@if [ -x .ci/actionlint.sh ] || [ -f .ci/actionlint.sh ]; then bash .ci/actionlint.sh; fi
	@if [ -f .ci/readme-workflows.sh ]; then bash .ci/readme-workflows.sh; fi

image:
	@if [ -f .ci/image.sh ] && command -v buildah >/dev/null 2>&1 && command -v podman >/dev/null 2>&1; then \
		bash .ci/image.sh; else echo "image: buildah/podman missing, image check skipped (bash .ci/run installs them)"; $(missing); fi

# The action under nektos/act, an emulation of GitHub's runner written by
# others (issue 18): .ci/act.sh skips with a message where
# ../shared/tools/act-runner is missing (fails under CI=true). Run it after
# `image`: it reuses the image check's debootstrap rootfs for its builder.
act:
	@bash .ci/act.sh

# The Sigstore trust data built into the binary: warn when it is older than
# six months; refresh it through TUF (needs tuf-repo-cdn.sigstore.dev).
trust-age:
	@bash .ci/update-sigstore-trust.sh --check-age

sigstore-trust:
	bash .ci/update-sigstore-trust.sh

tidy-check:
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

demo:
	$(GO) run . demo

# The benchmark harness against twine, on tiny sizes, as a smoke check; the
# full run (8-15 minutes) is `make bench` and writes bench/results/.
bench-smoke:
	@if [ -x /usr/bin/twine ] && [ -x /usr/bin/time ]; then bash bench/run.sh --quick; \
	else echo "bench-smoke: twine or GNU time missing, skipped (bash .ci/run installs them)"; $(missing); fi

bench:
	bash bench/run.sh
