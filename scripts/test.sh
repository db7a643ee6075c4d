#!/usr/bin/env bash
# Installs what the tests need (idempotent: quick when already there) and runs the whole suite.
# This is the README's test command, and what CI runs from a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'

# Headless Chromium for the synthesis check in a real browser (Debian packages).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      || echo "Chromium n'a pas pu être installé : le contrôle dans le navigateur sera ignoré."
  else
    echo "Chromium absent (installez chromium et chromium-driver) : le contrôle navigateur sera ignoré."
  fi
fi

.venv/bin/corpus models build
exec .venv/bin/python -m pytest "$@"
