#!/usr/bin/env bash
# Installs the Debian packages that building and testing belofte need, and only those that are
# missing, so a warm machine passes through in a second. Safe to run repeatedly; needs root.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++ make
  libsqlite3-dev sqlite3
  libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libcsv-dev
  librestinio-dev libasio-dev libhttp-parser-dev libsodium-dev prometheus-cpp-dev
  curl libcurl4-openssl-dev libkainjow-mustache-dev libhowardhinnant-date-dev tzdata
  python3-aiosmtpd chromium
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# The browser tests drive Chromium with npm's playwright-core: any node >= 18 with npm will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The browser tests' node modules (playwright-core only, pinned in tests/browser/package-lock.json;
# it drives Debian's chromium, so no browser is downloaded: never `npx playwright install`).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
  echo "install-deps: npm ci --prefix tests/browser" >&2
  npm ci --prefix "$root/tests/browser" --no-audit --no-fund --ignore-scripts
fi
