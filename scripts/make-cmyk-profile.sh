#!/usr/bin/env bash
# Makes styles/FOGRA39-archiver.icc, the CMYK output profile of PDF/X editions (-O pdfx=yes).
# From FOGRA39L.ti3 in Debian's icc-profiles-free (Kai-Uwe Behrmann; Zlib licence), profiled with
# ArgyllCMS colprof (Debian argyll). The result is an altered version of that data, marked as such in
# the profile's description and copyright tags. The header date is fixed, so the bytes are reproducible.
# Usage: scripts/make-cmyk-profile.sh   (needs: apt-get install icc-profiles-free argyll)
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/styles/FOGRA39-archiver.icc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp /usr/share/color/icc/FOGRA39L.ti3 "$work/fogra39.ti3"
colprof -qm -kr -bn \
  -D "FOGRA39 (archiver; made from FOGRA39L.ti3 of icc-profiles-free with ArgyllCMS)" \
  -C "Altered version of FOGRA39L.ti3 (c) Kai-Uwe Behrmann, Zlib licence; characterisation data by Fogra" \
  "$work/fogra39" >/dev/null
python3 - "$work/fogra39.icc" "$out" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
data[24:36] = struct.pack(">6H", 2006, 12, 1, 0, 0, 0)  # the characterisation's date, not today's
open(sys.argv[2], "wb").write(bytes(data))
PY
echo "wrote $out ($(stat -c %s "$out") bytes)"
