# Shared helpers for the pagetrail test bed; sourced, not run.
PT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PT_CACHE=${PAGETRAIL_CACHE:-$HOME/.cache/pagetrail}
PT_T0=${PT_T0:-$(date +%s)}
export PT_T0

# log MSG: a progress line with the seconds since the run started, on stderr.
log() {
	printf '[%5ss] %s\n' "$(( $(date +%s) - PT_T0 ))" "$*" >&2
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# cross_compile ARCH: the CROSS_COMPILE prefix for ARCH on this host.
cross_compile() {
	case "$1" in
	x86_64) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	*) die "unknown arch $1" ;;
	esac
}
