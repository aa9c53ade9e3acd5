#!/usr/bin/env bash
# make test-scale: two app instances on a throwaway PostgreSQL cluster and a SeaweedFS S3
# server under a locust load, then the checks (scripts/scale_run.py). Extra arguments go to it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/test-postgres.sh .venv/bin/python scripts/scale_run.py --mode two "$@"
