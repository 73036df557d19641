#!/usr/bin/env bash
# Builds faiss-node 0.5.1's native addon against Debian's system faiss, in place in node_modules/faiss-node.
#
# Why: faiss-node's own install script wants a prebuilt binary (none is reachable here) and otherwise clones faiss
# from GitHub, so the root package.json installs it with its scripts denied (`allowScripts`), and this script builds
# it instead. Needs `apt-get install -y libfaiss-dev libopenblas-dev g++` (faiss 1.7.3 on Debian 12, a static library: the
# addon links it with OpenBLAS for BLAS/LAPACK).
#
# The npm tarball's sources are never modified or committed: a copy of src/faiss.cc is patched with
# faiss-node-0.5.1.patch (beside this script) and compiled to build/Release/faiss-node.node, where the package's
# `bindings` loader looks. The patch:
#   1. `faiss::idx_t` -> `faiss::Index::idx_t` (faiss 1.7.3 has no namespace-level alias);
#   2. `Index#setParameter(name, value)` through faiss::ParameterSpace, for nprobe / efSearch (no setter upstream);
#   3. `setNumThreads(n)`: OpenMP threads (single queries are fastest on one thread);
#   4. add()/train() turn a FaissException into a JS error instead of aborting the process.
#
# Exit status 0 and a line `faiss-node: built ...` on success; non-zero with the reason otherwise. The program then
# logs that faiss-node is unavailable and uses hnswlib-node (see libs/retrieval).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tools/faiss"
pkg="$root/node_modules/faiss-node"
version="0.5.1"

fail() { echo "faiss-node: not built: $*" >&2; exit 1; }

[ -f "$pkg/package.json" ] || fail "node_modules/faiss-node is missing (run npm ci first)"
got="$(node -p "require('$pkg/package.json').version")"
[ "$got" = "$version" ] || fail "expected faiss-node $version, found $got (update tools/faiss/*.patch)"
[ -f /usr/include/faiss/index_factory.h ] || fail "faiss headers missing: apt-get install -y libfaiss-dev libopenblas-dev"
command -v g++ >/dev/null || fail "g++ missing: apt-get install -y g++"

node_inc="$(node -p "require('path').resolve(process.execPath, '..', '..', 'include', 'node')")"
[ -f "$node_inc/node_api.h" ] || fail "Node headers not found at $node_inc"
napi_inc="$(cd "$pkg" && node -p "require('node-addon-api').include_dir" 2>/dev/null || true)"
napi_inc="${napi_inc//\"/}"
case "$napi_inc" in /*) ;; *) napi_inc="$pkg/$napi_inc" ;; esac
[ -f "$napi_inc/napi.h" ] || fail "node-addon-api headers not found (faiss-node's dependency)"

work="$pkg/build/himari-src"
rm -rf "$work" && mkdir -p "$work/src" "$pkg/build/Release"
cp "$pkg/src/faiss.cc" "$work/src/faiss.cc"
(cd "$work" && patch -s -p1 < "$here/faiss-node-$version.patch") || fail "patch did not apply"

out="$pkg/build/Release/faiss-node.node"
g++ -std=c++17 -O2 -fPIC -shared -fopenmp \
  -DNAPI_VERSION=6 -DNAPI_CPP_EXCEPTIONS -DNODE_GYP_MODULE_NAME=faiss_node \
  -I"$node_inc" -I"$napi_inc" \
  "$work/src/faiss.cc" -o "$out.tmp" -lfaiss -lopenblas \
  || fail "compilation failed"
mv "$out.tmp" "$out"

node -e "
  const f = require('$pkg');
  const ix = f.Index.fromFactory(4, 'Flat', f.MetricType.METRIC_INNER_PRODUCT);
  ix.add([1, 0, 0, 0, 0, 1, 0, 0]);
  const r = ix.search([0, 1, 0, 0], 1);
  if (r.labels[0] !== 1 || typeof ix.setParameter !== 'function' || typeof f.setNumThreads !== 'function') process.exit(1);
" || fail "the built addon does not load or answer"
echo "faiss-node: built $out against $(dpkg-query -W -f='libfaiss-dev ${Version}' libfaiss-dev 2>/dev/null || echo 'system faiss')"
