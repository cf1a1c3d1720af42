#!/usr/bin/env bash
# Installs Debian's chromium (browser tests, figure export) and CJK fonts (Korean/Japanese tokens in
# screenshots and exported images) when they are missing and this user may install packages.
set -euo pipefail
have_fonts() { fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }
command -v chromium >/dev/null 2>&1 && have_fonts && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "chromium or fonts-noto-cjk is missing and this user cannot install them:" \
       "run  apt-get install -y chromium fonts-noto-cjk  as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null
command -v chromium
