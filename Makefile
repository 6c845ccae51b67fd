# Newsdesk: `make run` and `make test` each set up everything they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format bench stack worker worker-fetch beat clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Newsdesk needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "  Newsdesk is starting on http://$(HOST):$(PORT)/"
	@echo "  Newsroom admin: http://$(HOST):$(PORT)/admin/"
	@echo "  Log in as journalist, editor or admin with password '$${NEWSDESK_DEMO_PASSWORD:-newsdesk-demo}'."
	@echo
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark in bench/ (each writes its own section of docs/benchmarks.md). They need
# PostgreSQL (and the API one wrk): see README "Deployment".
bench: $(VENV)/.installed
	@set -e; for script in bench/*.py; do \
		case $$script in bench/report.py) continue;; esac; \
		echo "== $$script"; $(PY) $$script; \
	done

# The production process set on one machine (Procfile): gunicorn, a prefork worker, an I/O
# worker (fetch + webhooks queues), beat. Needs DATABASE_URL (PostgreSQL) and REDIS_URL.
stack: $(VENV)/.installed
	@test -n "$$REDIS_URL" || { echo "make stack needs REDIS_URL (and DATABASE_URL): workers share Redis"; exit 2; }
	$(PY) manage.py migrate --noinput
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A newsdesk worker -Q celery,fetch,webhooks --loglevel=info

# Fetching cited pages and delivering webhooks wait on the network, not the CPU: a thread pool
# on the "fetch" and "webhooks" queues.
worker-fetch: $(VENV)/.installed
	$(VENV)/bin/celery -A newsdesk worker -Q fetch,webhooks --pool threads --concurrency $${FETCH_CONCURRENCY:-50} --loglevel=info

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A newsdesk beat --loglevel=info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
