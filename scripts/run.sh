#!/usr/bin/env bash
# Quick start: install into .venv, create the embedded database, load the demo
# institution and serve the app at http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh ""
.venv/bin/qms init
.venv/bin/qms demo
echo
echo "QMS en http://127.0.0.1:${QMS_PORT:-5000}  (Ctrl+C para detener)"
exec .venv/bin/qms run --host 127.0.0.1 --port "${QMS_PORT:-5000}"
