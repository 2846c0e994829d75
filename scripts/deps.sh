#!/bin/bash
# deps.sh: install the Debian packages the test bed needs. Idempotent: when
# everything is already installed it only runs dpkg-query.
#
# QEMU comes from bookworm-backports (10.0): Debian 12's own 7.2 cannot boot
# arm64 hardware tag-based KASAN kernels (MTE) and ran stale x86 code under
# multi-threaded TCG. The suite is added as Debian documents it (a sources
# entry; packages installed with -t bookworm-backports). clang/lld/llvm 19
# build the GKI-like target (kCFI needs clang 16+).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential flex bison bc libelf-dev libssl-dev cpio kmod dkms
	busybox-static linux-source-6.1 linux-source-6.12
	python3 xz-utils file openssl
	# arm64 targets: cross compiler (+ libc for the static guest tools);
	# the arm64 busybox comes from scripts/busybox.sh.
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# the GKI-like target: Debian's clang 19 and LLD 19 (LLVM=-19).
	clang-19 lld-19 llvm-19)
bpo_pkgs=(qemu-system-x86 qemu-system-arm)
QEMU_MIN=10

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
bpo_missing=()
for p in "${bpo_pkgs[@]}"; do
	v=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$p" 2>/dev/null || true)
	case "$v" in
	"installed 1:"[1-9][0-9].*) ;;
	*) bpo_missing+=("$p") ;;
	esac
done
if [ ${#missing[@]} -eq 0 ] && [ ${#bpo_missing[@]} -eq 0 ]; then
	log "deps: all $(( ${#pkgs[@]} + ${#bpo_pkgs[@]} )) packages installed"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "deps: missing ${missing[*]} ${bpo_missing[*]} (run as root)"
export DEBIAN_FRONTEND=noninteractive
if [ ${#bpo_missing[@]} -gt 0 ]; then
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ "$codename" = bookworm ] ||
		die "deps: QEMU $QEMU_MIN+ is needed; on '$codename' install it by hand"
	if ! grep -rqsE 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "deps: adding bookworm-backports to apt's sources"
		cat >/etc/apt/sources.list.d/bookworm-backports.sources <<-SRC
		Types: deb
		URIs: http://deb.debian.org/debian
		Suites: bookworm-backports
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		SRC
	fi
fi
log "deps: installing ${missing[*]} ${bpo_missing[*]}"
apt-get update -qq >&2
# Without recommends: qemu would bring GTK, GStreamer and friends.
[ ${#missing[@]} -eq 0 ] ||
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
[ ${#bpo_missing[@]} -eq 0 ] ||
	apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		"${bpo_missing[@]}" >&2
v=$(qemu-system-aarch64 --version | sed -n '1s/.*version \([0-9]*\).*/\1/p')
[ "${v:-0}" -ge $QEMU_MIN ] || die "deps: qemu-system-aarch64 is version $v, need $QEMU_MIN+"
