#!/usr/bin/env bash
# Debian packages the build needs (with --check: and spelling; with --test: and the tests'). Installs the
# missing ones when run as root; otherwise prints the apt-get command to run.
set -euo pipefail
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
case "${1:-}" in
  --check) packages+=(hunspell hunspell-pl hunspell-en-gb) ;;
  --test)  packages+=(hunspell hunspell-pl hunspell-en-gb poppler-utils qpdf chromium nodejs)
           command -v npm >/dev/null || packages+=(npm) ;;   # nodesource's nodejs includes npm
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
