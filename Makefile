# ProspectFlow: `make dev` runs the whole stack, `make test` runs every test.
SHELL := /bin/bash
PNPM_VERSION := 10.34.8
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: help install dev test test-unit test-int test-e2e lint typecheck db-migrate db-seed bench infra-up infra-down check-services browser dovecot build clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

install: ## Install pnpm (if absent) and every dependency
	@command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@$(PNPM_VERSION) || corepack enable pnpm
	pnpm install --frozen-lockfile --prefer-offline

check-services: install ## Say which of Postgres, RabbitMQ, Redis is unreachable and how to start it
	node --import tsx scripts/check-services.ts

dev: install ## Install, migrate, seed, start api (3000) + web (4000) + worker (3100)
	node --import tsx scripts/dev.ts

browser: ## Install Debian Chromium for browser tests when missing
	@test -x /usr/bin/chromium || { \
	  echo "installing chromium (Debian package)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

dovecot: ## Install Debian Dovecot (IMAP server the integration tests start privately) when missing
	@command -v dovecot >/dev/null 2>&1 || { \
	  echo "installing dovecot-imapd (Debian package)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null; }

test: install browser dovecot check-services ## Lint, typecheck, then unit + integration + browser tests
	pnpm lint
	pnpm typecheck
	pnpm test

test-unit: install ## Unit tests only
	pnpm test:unit

test-int: install dovecot check-services ## Integration tests (real Postgres, RabbitMQ, Redis)
	pnpm test:int

test-e2e: install browser check-services ## Browser tests (headless Chromium)
	pnpm test:e2e

lint: install ## ESLint + Prettier check
	pnpm lint

typecheck: install ## TypeScript (tsc and vue-tsc) across the workspace
	pnpm typecheck

db-migrate: install ## Apply migrations to DATABASE_URL (creates the database if missing)
	pnpm db:migrate

db-seed: install ## Seed the demo organisation, admin and prospects (idempotent)
	pnpm db:seed

build: install ## Production builds: Nuxt app, api and worker bundles (apps/*/dist, checked to resolve)
	pnpm --filter @prospectflow/web build
	pnpm --filter @prospectflow/api --filter @prospectflow/worker build

bench: install check-services ## Run the benchmarks under bench/ against the real stack
	pnpm bench

infra-up: ## Start Postgres, RabbitMQ and Redis with Docker
	docker compose up -d postgres rabbitmq redis

infra-down: ## Stop the Docker services
	docker compose down

clean: ## Remove build output
	rm -rf apps/web/.output apps/web/.nuxt test-results
