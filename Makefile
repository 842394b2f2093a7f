# Mosaic: the README's two commands live here.
#   make demo   install system packages, build, render with the built-in model, print the WebP path
#   make test   install system packages, build, run the whole test suite, then the torture test
#   make torture  SIGKILL a real mosaicd 20 times mid-render; every job must end once, bit-identical
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
CONFIG ?= release
# Extra options for mosaic-torture, e.g. TORTURE_FLAGS="--kills 200 --seed 7".
TORTURE_FLAGS ?=
APT_PACKAGES := libsqlite3-dev libsystemd-dev libwebp-dev libopenblas-dev pkg-config webp

.PHONY: deps build demo test torture bench clean

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

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) --no-print-directory torture

# The debug build, like the tests: the short run takes one to two minutes on two cores.
torture: deps
	$(SWIFT) build --product mosaicd
	$(SWIFT) build --product mosaic-torture
	"$$($(SWIFT) build --show-bin-path)/mosaic-torture" $(TORTURE_FLAGS)

bench: deps
	$(SWIFT) build -c release --product mosaic-bench
	./.build/release/mosaic-bench

clean:
	rm -rf .build
