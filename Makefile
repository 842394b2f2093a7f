# Mosaic: the README's two commands live here.
#   make demo   install system packages, build, render with the built-in model, print the WebP path
#   make test   install system packages, check the imports against the layers (scripts/check_imports.sh)
#               and the format (swift format lint, .swift-format), build, run the whole test suite, the
#               torture test and the fuzzer
#   make format   reformat the sources in place with the checked-in configuration
#   make torture  SIGKILL a real mosaicd 20 times mid-render; every job must end once, bit-identical
#   make fuzz     5,000 hostile requests against a real mosaicd mid-render (docs/fuzzing.md)
#   make install / make uninstall   PREFIX=/usr/local (default) DESTDIR=/staging (optional)
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
CONFIG ?= release
# Extra options for mosaic-torture, e.g. TORTURE_FLAGS="--kills 200 --seed 7".
TORTURE_FLAGS ?=
# Extra options for mosaic-fuzz, e.g. FUZZ_FLAGS="--requests 100000 --seed 7 --steps 1000".
FUZZ_FLAGS ?=
APT_PACKAGES := libsqlite3-dev libsystemd-dev libwebp-dev libpng-dev libjpeg62-turbo-dev libopenblas-dev pkg-config webp

# Where `make install` puts things (scripts/install.sh does the work). systemd searches
# /usr/lib and /usr/local/lib for units, sysusers.d and tmpfiles.d (`systemd-analyze
# unit-paths`); for any other prefix (/opt/mosaic) it would not find them, so they go to /etc.
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
ifneq ($(filter /usr /usr/local,$(patsubst %/,%,$(PREFIX))),)
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
else
UNITDIR ?= /etc/systemd/system
SYSUSERSDIR ?= /etc/sysusers.d
TMPFILESDIR ?= /etc/tmpfiles.d
endif
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
# A scratch path of its own, so the static build does not invalidate .build/release.
INSTALL_BUILD_FLAGS ?= -c release --static-swift-stdlib --scratch-path .build-install
INSTALL_ENV = SWIFT="$(SWIFT)" DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BINDIR="$(BINDIR)" \
	MANDIR="$(MANDIR)" UNITDIR="$(UNITDIR)" SYSUSERSDIR="$(SYSUSERSDIR)" TMPFILESDIR="$(TMPFILESDIR)" \
	BASHCOMPDIR="$(BASHCOMPDIR)" ZSHCOMPDIR="$(ZSHCOMPDIR)" FISHCOMPDIR="$(FISHCOMPDIR)" \
	INSTALL_BUILD_FLAGS="$(INSTALL_BUILD_FLAGS)"

# What `swift format` formats and `make test` lints. The configuration (.swift-format) is the
# tool's default with 4-space indents and 120 columns, and without AlwaysUseLowerCamelCase: weight
# and fixture names follow the checkpoints' and diffusers' own (`alphas_cumprod`).
FORMATTED := Package.swift Sources Tests ctl Tools Benchmarks Plugins

.PHONY: deps build demo test format torture fuzz bench install uninstall clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

demo: deps
	./scripts/demo.sh

format:
	$(SWIFT) format format --in-place --parallel --recursive $(FORMATTED)

# The import check and the format lint come first: they take seconds and name the file at fault.
# OPENBLAS_NUM_THREADS=1: Mosaic runs every BLAS call on one thread anyway (`RenderThreads`),
# and without OpenBLAS's own worker threads its fork handler has none to join (a clean-clone run
# hung in `blas_thread_shutdown_` under `SerialFork.fork()`), forks one at a time notwithstanding.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE stay as the environment sets them.
test: deps
	./scripts/check_imports.sh
	$(SWIFT) format lint --strict --parallel --recursive $(FORMATTED)
	$(SWIFT) build --build-tests
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test
	$(MAKE) --no-print-directory torture
	$(MAKE) --no-print-directory fuzz

# The debug build, like the tests: the short run takes one to two minutes on two cores.
torture: deps
	$(SWIFT) build --product mosaicd
	$(SWIFT) build --product mosaic-torture
	"$$($(SWIFT) build --show-bin-path)/mosaic-torture" $(TORTURE_FLAGS)

# The debug build too: 5,000 requests by default, about a minute and a half on two cores.
fuzz: deps
	$(SWIFT) build --product mosaicd
	$(SWIFT) build --product mosaic-fuzz
	"$$($(SWIFT) build --show-bin-path)/mosaic-fuzz" $(FUZZ_FLAGS)

bench: deps
	$(SWIFT) build -c release --product mosaic-bench
	./.build/release/mosaic-bench

install: deps
	$(INSTALL_ENV) ./scripts/install.sh install

uninstall:
	$(INSTALL_ENV) ./scripts/install.sh uninstall

clean:
	rm -rf .build .build-install
