# Mosaic: the README's two commands live here.
#   make demo   install system packages, build, render with the built-in model, print the WebP path
#   make test   install system packages, build, run the whole test suite
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
CONFIG ?= release
APT_PACKAGES := libsqlite3-dev libsystemd-dev libwebp-dev libopenblas-dev pkg-config webp

.PHONY: deps build demo test bench clean

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

bench: deps
	$(SWIFT) build -c release --product mosaic-bench
	./.build/release/mosaic-bench

clean:
	rm -rf .build
