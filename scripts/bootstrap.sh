#!/usr/bin/env bash
# Shared by run.sh and test.sh: make sure Python 3.11 can build a virtual environment,
# create .venv and install the project with the given extras.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Se necesita privilegio de administrador para: $*" >&2; return 1; fi
}

apt_install() {
  # Install Debian packages that are missing (each name is checked with dpkg first).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Instalando paquetes de Debian: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  apt_install python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${1:-}"
