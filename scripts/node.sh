#!/usr/bin/env bash
# Prints the absolute path of a Node.js binary of one major, installing the pinned one if needed.
#
# Node publishes its binaries to the npm registry as `node-<os>-<arch>` packages, so one can be
# installed with npm alone (no other download host) into a cache shared by every checkout (the
# `node` package itself only fetches the binary in a preinstall script). The version installed for
# each major is pinned in scripts/node-versions.sh.
#
#   bash scripts/node.sh 24         # a Node 24: the `node` on PATH if it is 24, else the pinned 24.x
#   bash scripts/node.sh --min 22   # a Node >= 22: the `node` on PATH if new enough, else the pinned 22.x
#
# Order: $NODE<major>_BIN if set (e.g. NODE24_BIN), the `node` on PATH if it fits, the cached copy,
# a fresh install. NODE_CACHE moves the cache.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/node-versions.sh
source "$here/node-versions.sh"

at_least=false
if [ "${1:-}" = --min ]; then at_least=true && shift; fi
major="${1:-}"
pin_var="NODE_${major}_VERSION"
if ! [[ "$major" =~ ^[0-9]+$ ]] || [ -z "${!pin_var:-}" ]; then
  echo "node.sh: usage: node.sh [--min] <major>, with a major pinned in scripts/node-versions.sh ($(grep -oE '^NODE_[0-9]+' "$here/node-versions.sh" | cut -d_ -f2 | tr '\n' ' '| sed 's/ $//'))" >&2
  exit 2
fi
version="${!pin_var}"
cache="${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hyperframes-render-action}/node-$version"
wanted="Node.js $major"
$at_least && wanted="Node.js >= $major"

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
fits() {
  local got
  got="$(major_of "$1")"
  if $at_least; then [ "$got" -ge "$major" ]; else [ "$got" -eq "$major" ]; fi
}

bin_var="NODE${major}_BIN"
if [ -n "${!bin_var:-}" ]; then
  if [ -x "${!bin_var}" ] && fits "${!bin_var}"; then echo "${!bin_var}"; exit 0; fi
  echo "node.sh: $bin_var=${!bin_var} is not a $wanted binary" >&2
  exit 1
fi

if command -v node >/dev/null 2>&1 && fits node; then
  command -v node
  exit 0
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "node.sh: no node-<os>-<arch> package for $(uname -s); put a $wanted on PATH or set $bin_var" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node.sh: no node-$os-<arch> package for $(uname -m); set $bin_var" >&2; exit 1 ;;
esac
pkg="node-$os-$arch"
bin="$cache/node_modules/$pkg/bin/node"

if [ ! -x "$bin" ]; then
  echo "node.sh: installing $pkg@$version from the npm registry into $cache" >&2
  mkdir -p "$(dirname "$cache")"
  # Install beside the cache and move it into place, so a concurrent caller never sees half a tree.
  tmp="$(mktemp -d "$cache.tmp-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  npm install --prefix "$tmp" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "$pkg@$version" >&2
  # Another caller may have won the race; theirs is as good.
  [ -e "$cache" ] || mv "$tmp" "$cache"
fi

if [ ! -x "$bin" ] || ! fits "$bin"; then
  echo "node.sh: $bin is not a working $wanted" >&2
  exit 1
fi
echo "$bin"
