# Helpers for guest tests (busybox sh); sourced by tests/guest/[0-9]*.sh.
#
# TAP:     ok NAME | not_ok NAME REASON | skip NAME REASON | diag TEXT...
# Spans:   expect_begin TAG / expect_end TAG bracket code that is expected to
#          make the kernel report (KASAN, WARN, ...). The markers go through
#          /dev/kmsg so they are ordered with the kernel's own messages; the
#          host fails any splat but the span's own expected report (one KASAN
#          report unless expect_kinds says otherwise), and a span without it.
# dmesg:   kmsg_mark NAME; kmsg_since NAME prints the kernel log after the last
#          "PAGETRAIL-MARK NAME" (or after "PAGETRAIL-EXPECT-BEGIN TAG" when
#          called as kmsg_since TAG and no such mark exists).
#          kmsg_span TAG prints the kernel log between BEGIN TAG and END TAG.
#          expect_report TAG REGEX NAME: ok/not_ok on grep -E REGEX in span.
# Modules: PT_KO=/tests (pt_trigger.ko, pagetrail.ko, ...); insmod_ko NAME.
# KASAN:   kasan_mode prints generic, sw-tags or hw-tags (from the boot log).
# Stacks:  nested_stack: allocate pt_cases' nested page anew and print the
#          functions of its allocation stack, one per line (NOTE for a
#          "sampled out" line).

PT_KO=${PT_KO:-/tests}
PT_TAP_COUNTER=${PT_TAP_COUNTER:-/tmp/pagetrail-tap-count}

_tap_next() {
	local n=0
	[ -f "$PT_TAP_COUNTER" ] && n=$(cat "$PT_TAP_COUNTER")
	n=$((n + 1))
	echo "$n" >"$PT_TAP_COUNTER"
	echo "$n"
}

# One write per line, so kernel console output cannot split it.
_tap_line() {
	printf '%s\n' "$*"
}

diag() {
	# Prefix every line (also of multi-line input) so the host parser never
	# mistakes quoted kernel text for a real splat.
	printf '%s\n' "$*" | sed 's/^/# /'
}

ok() {
	_tap_line "ok $(_tap_next) $1"
}

not_ok() {
	_tap_line "not ok $(_tap_next) $1"
	[ -n "${2:-}" ] && diag "$1: $2"
	return 0
}

skip() {
	_tap_line "ok $(_tap_next) $1 # SKIP ${2:-}"
}

# check NAME CMD...: ok if CMD succeeds, not_ok otherwise.
check() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name" "failed: $*"
	fi
}

kmsg() {
	echo "$*" >/dev/kmsg
}

# On hardware tag-based KASAN, tag checks are turned back on (pt_rearm)
# before every span: the last report turned them off on its CPU.
expect_begin() {
	[ ! -w /sys/kernel/debug/pt_rearm ] || echo 1 >/sys/kernel/debug/pt_rearm
	kmsg "PAGETRAIL-EXPECT-BEGIN $1"
}

expect_end() {
	kmsg "PAGETRAIL-EXPECT-END $1"
}

kmsg_mark() {
	kmsg "PAGETRAIL-MARK $1"
}

# Kernel log after the last line equal to (ending with) START.
_kmsg_after() {
	dmesg | awk -v s="$1" '
		substr($0, length($0) - length(s) + 1) == s { n = 0; hit = 1; next }
		hit { buf[n++] = $0 }
		END { for (i = 0; i < n; i++) print buf[i] }'
}

kmsg_since() {
	if dmesg | grep -q "PAGETRAIL-MARK $1\$"; then
		_kmsg_after "PAGETRAIL-MARK $1"
	else
		_kmsg_after "PAGETRAIL-EXPECT-BEGIN $1"
	fi
}

kmsg_span() {
	_kmsg_after "PAGETRAIL-EXPECT-BEGIN $1" |
		sed "/PAGETRAIL-EXPECT-END $1\$/,\$d"
}

# expect_report TAG REGEX NAME: assert the span TAG logged a line matching
# REGEX (grep -E); on failure quote the span's first lines as diagnostics.
expect_report() {
	if kmsg_span "$1" | grep -qE -- "$2"; then
		ok "$3"
	else
		not_ok "$3" "no kernel line matching '$2' in span $1"
		diag "$(kmsg_span "$1" | head -n 20)"
	fi
}

# expect_no_report TAG REGEX NAME: the opposite.
expect_no_report() {
	local hit
	hit=$(kmsg_span "$1" | grep -E -- "$2" | head -n 1)
	if [ -z "$hit" ]; then
		ok "$3"
	else
		not_ok "$3" "unexpected kernel line in span $1: $hit"
	fi
}

# insmod_ko NAME [PARAMS...]: insert $PT_KO/NAME.ko; returns insmod's status.
insmod_ko() {
	local name=$1
	shift
	insmod "$PT_KO/$name.ko" "$@" 2>&1 | sed 's/^/# insmod: /'
	grep -q "^$(echo "$name" | tr - _) " /proc/modules
}

# Tag-based KASAN names a page use-after-free "invalid-access": it keeps no
# per-page history to tell a stale tag from a wild one.
kasan_mode() {
	case "$(dmesg | grep -m1 'KernelAddressSanitizer initialized')" in
	*sw-tags*) echo sw-tags ;;
	*hw-tags*) echo hw-tags ;;
	*) echo generic ;;
	esac
}

# cmdline_arg NAME DEFAULT: the value of NAME=... on the kernel command line.
cmdline_arg() {
	local v
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1)
	echo "${v:-$2}"
}

# relay_tap PREFIX FILE [RC]: re-number a kselftest tool's TAP output in
# FILE into ours, each result prefixed with "PREFIX: "; a "not ok" stays
# not ok whatever directive follows it (# SKIP, # TODO). Also not ok: no
# results at all, each "Bail out!" (the results after it are relayed too),
# a missing plan or a plan "1..N" that disagrees with the results, and RC,
# the tool's exit status, when given and not 0.
relay_tap() {
	local prefix="$1" file="$2" rc="${3:-0}" line n=0 plan="" why
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		"ok "*)
			n=$((n + 1))
			ok "$prefix: $(echo "$line" | sed 's/^ok [0-9]* *//')"
			;;
		"not ok "*)
			n=$((n + 1))
			why=
			case "$line" in
			*"#"*[Ss][Kk][Ii][Pp]* | *"#"*[Tt][Oo][Dd][Oo]*)
				why="a not ok is a failure, whatever its directive" ;;
			esac
			not_ok "$prefix: $(echo "$line" | sed 's/^not ok [0-9]* *//')" "$why"
			;;
		"Bail out!"*)
			not_ok "$prefix: $line" "the tool gave up after $n results"
			;;
		1..*)
			plan=${line#1..}
			plan=${plan%%[!0-9]*}
			;;
		"# "*) diag "${line#\# }" ;;
		esac
	done <"$file"
	[ "$n" -gt 0 ] ||
		not_ok "$prefix: the tool reported results" "$(head -n 5 "$file")"
	if [ -z "$plan" ]; then
		[ "$n" = 0 ] || not_ok "$prefix: the tool printed its plan" "no 1..N line"
	elif [ "$plan" != "$n" ]; then
		not_ok "$prefix: the tool's plan 1..$plan matches its results" "$n results"
	fi
	[ "$rc" = 0 ] || not_ok "$prefix: the tool exits 0" "exit status $rc"
}

# The host (scripts/parse-results.py) fails a span that does not see
# exactly one KASAN report, unless the guest declares otherwise:
# expect_kinds TAG KIND...: right before expect_begin TAG, what that span
# may see instead: any one of KIND, each "kasan" (one KASAN report), "none"
# (no report) or "warning:TEXT" (one WARNING whose line contains TEXT).
expect_kinds() {
	kmsg "PAGETRAIL-EXPECT-KINDS $*"
}

# expect_retry TAG: the span TAG that just ended never got to its report
# and is tried again: its missing report is a note, not a failure.
expect_retry() {
	kmsg "PAGETRAIL-EXPECT-RETRY $1"
}

# nested_stack: pt_cases' nested page, allocated anew; the functions of its
# allocation stack as lookup prints it, one per line, and NOTE where the
# block says the stack was cut (sample=).
nested_stack() {
	local pfn
	echo nested >/sys/kernel/debug/pt_cases/run
	pfn=$(sed -n 's/^nested pfn \(0x[0-9a-f]*\)$/\1/p' /sys/kernel/debug/pt_cases/pages)
	echo "pfn $pfn" >/sys/kernel/debug/pagetrail/lookup
	awk '/last allocated by:$/ { on = 1; next }
	     on && /^ \(sampled out/ { print "NOTE"; next }
	     on && /^ / { sub(/^ +/, ""); sub(/[+.].*/, ""); print; next }
	     on { exit }' /sys/kernel/debug/pagetrail/lookup
}
