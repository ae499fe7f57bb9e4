#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing (gettext for translations,
# chromium for the browser tests). Needs root (or sudo); says clearly what to do otherwise.
set -euo pipefail
missing=()
for pkg in "$@"; do
  case "$pkg" in
    gettext) command -v msgfmt >/dev/null 2>&1 || missing+=(gettext) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    poppler-utils) command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils) ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
