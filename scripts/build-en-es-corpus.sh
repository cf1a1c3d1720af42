#!/usr/bin/env bash
# Rebuilds data/en-es from WordNet and Apertium (make data). Needs root or the packages already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v apertium >/dev/null 2>&1 || [ ! -f /usr/share/wordnet/data.noun ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apertium apertium-eng-spa wordnet-base
fi
${PY:-.venv/bin/python} -m attention_core.data.build_en_es --out data/en-es
