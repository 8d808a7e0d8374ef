#!/usr/bin/env bash
# Create .venv and install dnazoo with everything it needs, from PyPI only.
# ushuffle (dinucleotide shuffling) ships Cython sources that only build against an installed
# Cython, so it is built first without build isolation.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dnazoo needs Python >= 3.11")'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q cython setuptools wheel
.venv/bin/python -m pip install -q --no-build-isolation "ushuffle>=1.1.2"
.venv/bin/python -m pip install -q -e ".[test]"
echo "dnazoo installed in .venv"
