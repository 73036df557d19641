#!/usr/bin/env bash
# Makes the base image a machine without an image registry needs: Debian bookworm (debootstrap, minbase) with this
# machine's Node 20 and npm, imported as himari-local/node:20-bookworm. Cached: an existing image is reused unless
# --rebuild. Needs root, debootstrap and a reachable Debian mirror (the one apt uses here).
#   docker build --build-arg NODE_IMAGE=himari-local/node:20-bookworm ...
set -euo pipefail
IMAGE="${HIMARI_BASE_IMAGE:-himari-local/node:20-bookworm}"
if [ "${1:-}" != "--rebuild" ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE: cached"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install -y debootstrap" >&2; exit 1; }
NODE_BIN="$(command -v node)"
NODE_MAJOR="$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" = 20 ] || { echo "this machine's node is $NODE_MAJOR, not 20" >&2; exit 1; }
NPM_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
# The mirror apt uses here (deb822 sources or a sources.list line).
MIRROR="$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?' | head -1 || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

ROOTFS="$(mktemp -d /tmp/himari-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap bookworm from $MIRROR"
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >/dev/null
install -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
# Node's headers, for native addons built in the image (better-sqlite3, faiss-node).
if [ -d /usr/include/node ]; then mkdir -p "$ROOTFS/usr/local/include" && cp -a /usr/include/node "$ROOTFS/usr/local/include/node"; fi
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/archives/*.deb
tar -C "$ROOTFS" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["node"]' - "$IMAGE" >/dev/null
echo "base image $IMAGE: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
