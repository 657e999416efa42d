#!/usr/bin/env bash
# Prints the absolute path of a Node.js >= 22 binary, installing one if needed.
#
# HeyGen's `hyperframes` CLI refuses Node < 22, while this repository builds and tests on Node 20.
# Node publishes its binaries to the npm registry as `node-<os>-<arch>` packages, so one can be
# installed with npm alone (no other download host) into a cache shared by every checkout.
#
#   NODE22="$(bash scripts/node22.sh)" && "$NODE22" --version
#
# Order: $NODE22_BIN if set, the `node` on PATH if it is >= 22, the cached copy, a fresh install.
# NODE22_VERSION pins the version installed (default below); NODE22_CACHE moves the cache.
set -euo pipefail

version="${NODE22_VERSION:-22.23.5}"
cache="${NODE22_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hyperframes-render-action/node-$version}"

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -n "${NODE22_BIN:-}" ]; then
  if [ -x "$NODE22_BIN" ] && [ "$(major_of "$NODE22_BIN")" -ge 22 ]; then echo "$NODE22_BIN"; exit 0; fi
  echo "node22.sh: NODE22_BIN=$NODE22_BIN is not a Node.js >= 22 binary" >&2
  exit 1
fi

if command -v node >/dev/null 2>&1 && [ "$(major_of node)" -ge 22 ]; then
  command -v node
  exit 0
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "node22.sh: no node-<os>-<arch> package for $(uname -s); put a Node.js >= 22 on PATH or set NODE22_BIN" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node22.sh: no node-$os-<arch> package for $(uname -m); set NODE22_BIN" >&2; exit 1 ;;
esac
pkg="node-$os-$arch"
bin="$cache/node_modules/$pkg/bin/node"

if [ ! -x "$bin" ]; then
  echo "node22.sh: installing $pkg@$version from the npm registry into $cache" >&2
  mkdir -p "$(dirname "$cache")"
  # Install beside the cache and move it into place, so a concurrent caller never sees half a tree.
  tmp="$(mktemp -d "$cache.tmp-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error "$pkg@$version" >&2
  # Another caller may have won the race; theirs is as good.
  [ -e "$cache" ] || mv "$tmp" "$cache"
fi

if [ ! -x "$bin" ] || [ "$(major_of "$bin")" -lt 22 ]; then
  echo "node22.sh: $bin is not a working Node.js >= 22" >&2
  exit 1
fi
echo "$bin"
