#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python's, in one list for `make test`,
# `make e2e` and CI. Installs what is missing when run as root; otherwise stops at once with the
# one command to run. `--check` only reports what is missing (exit 1 when anything is).
set -euo pipefail

# PDFs need none: Typst comes from PyPI and the report's fonts are shipped in the repository.
PACKAGES=(
  chromium  # browser tests (Playwright drives Debian's Chromium, never a download)
  redis-server  # the shared cache on Redis (tests/test_shared_cache.py starts its own server)
)

missing() {
  local package
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      printf '%s\n' "$package"
  done
}

mapfile -t absent < <(missing)

if [ "${1:-}" = "--check" ]; then
  if [ "${#absent[@]}" -gt 0 ]; then
    echo "Missing system packages: ${absent[*]}" >&2
    exit 1
  fi
  echo "System packages for the tests: all present (${PACKAGES[*]})."
  exit 0
fi

[ "${#absent[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "The tests need Debian packages that are missing; run once: sudo apt-get install -y ${absent[*]}" >&2
  exit 1
fi
echo "Installing system packages the tests need: ${absent[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${absent[@]}" >/dev/null
