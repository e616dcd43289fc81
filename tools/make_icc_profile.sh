#!/usr/bin/env bash
# Rebuild styles/icc/coated-fogra39-argyll.icc from FOGRA39 data (Debian: icc-profiles-free, argyll).
set -euo pipefail
work=$(mktemp -d)
cp /usr/share/color/icc/FOGRA39L.ti3 "$work/"
(cd "$work" && colprof -qm -D "Coated FOGRA39 (built with ArgyllCMS from FOGRA39L.ti3, icc-profiles-free, Zlib)" \
   -C "Data: FOGRA (via icc-profiles-free, Zlib licence); profile made with ArgyllCMS colprof" FOGRA39L)
cp "$work/FOGRA39L.icc" "$(dirname "$0")/../brochure/themes/default/styles/icc/coated-fogra39-argyll.icc"
