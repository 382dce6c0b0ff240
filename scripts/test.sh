#!/usr/bin/env bash
# Install the test dependencies (Python packages, plus Chromium and LibreOffice
# Writer from Debian for the browser and Word checks) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh "[test]"
apt_install chromium chromium-driver libreoffice-writer-nogui poppler-utils zbar-tools
# The import rules of ARCHITECTURE.md: a wrong import fails the build before any test runs.
.venv/bin/lint-imports --no-cache
set +e
.venv/bin/python -m pytest -n "${QMS_TEST_WORKERS:-2}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest no ejecutó ninguna prueba: se considera un fallo." >&2
  exit 1
fi
exit "$status"
