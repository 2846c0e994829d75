#!/bin/bash
# Self-tests of scripts/parse-results.py on synthetic serial logs, and of
# tests/guest/lib.sh's relay_tap on synthetic kselftest output (tool-*.log,
# relayed under the guest's busybox sh when the host has it): the harness
# must pass good runs and fail bad ones. Prints "PASS: name" / "FAIL: name"
# per case (check.sh folds these into the totals); exits 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
parse=$here/../../scripts/parse-results.py
lib=$here/../guest/lib.sh
fails=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if command -v busybox >/dev/null; then
	gsh="busybox sh"
else
	gsh="sh"
fi

# judged WANT-RC CHECK NAME PARSE-ARGS...: run parse-results.py, check its
# exit status and its output with CHECK (a command reading the output).
judged() {
	local want=$1 check=$2 name=$3 out rc
	shift 3
	out=$(python3 "$parse" "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $name (exit $rc, want $want)"
	elif ! printf '%s\n' "$out" | $check; then
		echo "FAIL: $name (output lacks $check_what)"
	else
		echo "PASS: $name"
		return
	fi
	printf '%s\n' "$out" | sed 's/^/#   /'
	fails=$((fails + 1))
}

# expect NAME WANT-RC REGEX PARSE-ARGS...: some output line matches REGEX
# (grep -E).
expect() {
	local name=$1 want=$2
	check_re=$3 check_what="/$3/"
	shift 3
	judged "$want" has_line "$name" "$@"
}
has_line() {
	grep -qE -- "$check_re"
}

# expect_last NAME WANT-RC LINE PARSE-ARGS...: the last output line is LINE.
expect_last() {
	local name=$1 want=$2
	check_re=$3 check_what="the last line '$3'"
	shift 3
	judged "$want" last_line "$name" "$@"
}
last_line() {
	[ "$(tail -n 1)" = "$check_re" ]
}

# relayed TOOL-OUTPUT RC: a guest log whose TAP is relay_tap of TOOL-OUTPUT
# (prefix "tool", exit status RC) between the guest's header, plan and
# PAGETRAIL-GUEST-DONE; prints its path (label relay-TOOL-OUTPUT-RC).
relayed() {
	local log=$tmp/relay-${1%.log}-$2.log
	{
		echo "TAP version 13"
		PT_TAP_COUNTER=$tmp/count $gsh -c '. "$1"; echo 0 >"$PT_TAP_COUNTER"
			relay_tap tool "$2" "$3"; echo "1..$(cat "$PT_TAP_COUNTER")"' \
			sh "$lib" "$here/$1" "$2"
		echo "PAGETRAIL-GUEST-DONE"
	} >"$log"
	echo "$log"
}

cd "$here" || exit 1

# Good runs pass: the expected report is excused, ordinary kernel lines in
# a span are fine.
expect "KASAN report inside a span passes" 0 \
	'^10 passed, 0 failed, 1 skipped$' kasan-in-span.log
expect "tag-based reports (invalid-access, double-free, async), printk caller ids and a marker inside a TAP line pass" 0 \
	'^12 passed, 0 failed$' kasan-tags.log
expect "a span's retried attempt without its report is a note" 0 \
	'^note: retry: span full_hist \(line 12\) saw no "BUG: KASAN:" report, expected one KASAN report; retried \(line 15\)$' \
	retry.log
expect "a declared WARNING (6.18 slab's double-free check) passes its span" 0 \
	'^4 passed, 0 failed, 1 skipped$' warn-declared.log

# Inside a span only the expected report is excused.
expect "WARNING inside a KASAN report fails" 1 \
	'^FAIL report-warning: no unexpected kernel splat \(line 78: WARNING: CPU: 1 PID: 88 at module/report.c:212 pt_report_history' \
	report-warning.log
expect "sleeping function called from invalid context inside a KASAN report fails" 1 \
	'^FAIL report-sleeping: no unexpected kernel splat \(line 77: BUG: sleeping function called from invalid context at ' \
	report-sleeping.log
expect "nested BUG (page fault) inside a KASAN report fails" 1 \
	'^FAIL report-oops: no unexpected kernel splat \(line 77: BUG: unable to handle page fault for address: ffffea0000ffffc8\)$' \
	report-oops.log
expect "lockdep splat in a span, outside its report, fails" 1 \
	'^FAIL span-lockdep: no unexpected kernel splat \(line 17: WARNING: possible recursive locking detected\)$' \
	span-lockdep.log
expect "undeclared WARNING in a span fails" 1 \
	'^FAIL warn-undeclared: no unexpected kernel splat \(line 13: WARNING: CPU: 1 PID: 93 at mm/slub.c:4779 free_large_kmalloc' \
	warn-undeclared.log

# Spans see exactly what they declared.
expect "test whose expected report never came fails" 1 \
	'^FAIL missing-report: page_uaf reports KASAN use-after-free$' \
	missing-report.log
expect "span without KASAN report fails" 1 \
	'^FAIL missing-report: expect spans: each saw what it declared \(1 span\) \(span page_uaf \(line 4\) saw no "BUG: KASAN:" report, expected one KASAN report\)$' \
	missing-report.log
expect "span without END fails" 1 \
	'^FAIL span-no-end: expect spans: each saw what it declared \(1 span\) \(span page_uaf \(line 13\) never ended ' \
	span-no-end.log
expect "a span without END does not blind the judge" 1 \
	'^FAIL span-no-end: no unexpected kernel splat \(line 94: WARNING: CPU: 0 PID: 120 at mm/page_alloc.c:4739 ' \
	span-no-end.log
expect "END without BEGIN fails" 1 \
	'^FAIL end-no-begin: expect spans: .* \(line 11: PAGETRAIL-EXPECT-END page_uaf without BEGIN\)$' \
	end-no-begin.log
expect "two KASAN reports in one span fail" 1 \
	'^FAIL two-reports: expect spans: .*saw 2 KASAN reports \(line 15, 92\), expected one KASAN report\)$' \
	two-reports.log

# Splats outside spans, also what clang/GKI arm64 kernels print.
expect "WARNING outside a span fails" 1 \
	'^FAIL warning-outside: no unexpected kernel splat \(line 9: WARNING: ' \
	warning-outside.log
expect "kCFI failure fails, quoted as check.sh's kCFI bed greps it" 1 \
	'^FAIL cfi-failure: no unexpected kernel splat \(line 12: CFI failure at pt_trigger_cfi_mismatch\+' \
	cfi-failure.log
expect "arm64 BTI fault fails" 1 \
	'^FAIL bti-fault: no unexpected kernel splat \(line 11: Internal error: Oops - BTI: ' \
	bti-fault.log
expect "arm64 stack overflow fails" 1 \
	'^FAIL stack-overflow: no unexpected kernel splat \(line 10: Insufficient stack space to handle exception!\)$' \
	stack-overflow.log
expect "refused unsigned module fails" 1 \
	'^FAIL module-rejected: no unexpected kernel splat \(line 10: Loading of unsigned module is rejected\)$' \
	module-rejected.log
expect "module symbol version mismatch is quoted too" 1 \
	'^note: module-rejected: also splat at line 14: pt_oracle: disagrees about version of symbol ' \
	module-rejected.log

# TAP: not ok is a failure whatever follows; the run must be whole.
expect "not ok # SKIP fails" 1 \
	"^FAIL not-ok-directive: lookup 'pfn' finds the kept page \\(not ok despite \"# SKIP no kept page\"\\)\$" \
	not-ok-directive.log
expect "not ok # TODO fails" 1 \
	'^FAIL not-ok-directive: mode=last costs <= 4 B/page \(not ok despite "# TODO measure on 5.15"\)$' \
	not-ok-directive.log
expect "Bail out! on the console fails" 1 \
	'^FAIL bail-out: guest run completed \(line 12: Bail out! mmap: Cannot allocate memory\)$' \
	bail-out.log
expect "plan that disagrees with the results fails" 1 \
	'^FAIL plan-mismatch: guest run completed \(plan 1..4 but 3 results\)$' \
	plan-mismatch.log
expect "results numbered out of sequence fail" 1 \
	'^FAIL tap-sequence: guest run completed \(result numbers out of sequence: line 12 is result 2, expected 3\)$' \
	tap-sequence.log
expect "log without a plan fails" 1 \
	'^FAIL no-plan: guest run completed \(no plan line\)$' no-plan.log
expect "log without PAGETRAIL-GUEST-DONE fails" 1 \
	'^FAIL no-done: guest run completed \(no PAGETRAIL-GUEST-DONE' no-done.log
expect "timed-out guest fails" 1 \
	'^FAIL timeout: guest run completed \(guest timed out' timeout.log
expect "guest with zero tests fails" 1 \
	'^FAIL no-tests: guest run completed \(no tests ran\)$' no-tests.log

# relay_tap: a kselftest tool's plan, bail-out and exit status count.
expect "relay_tap: a clean tool run passes, its skip stays a skip" 0 \
	'^4 passed, 0 failed, 1 skipped$' "$(relayed tool-ok.log 0)"
expect "relay_tap: a non-zero exit status fails" 1 \
	'^FAIL relay-tool-ok-1: tool: the tool exits 0$' "$(relayed tool-ok.log 1)"
expect "relay_tap: Bail out! fails" 1 \
	'^FAIL relay-tool-bail-1: tool: Bail out! a writer died \(status 0x9\)$' \
	"$(relayed tool-bail.log 1)"
expect "relay_tap: a plan that disagrees with the results fails" 1 \
	'^FAIL relay-tool-plan-0: tool: the tool.s plan 1..4 matches its results$' \
	"$(relayed tool-plan.log 0)"
expect "relay_tap: not ok # SKIP stays not ok" 1 \
	'^FAIL relay-tool-not-ok-skip-1: tool: \(not ok despite "# SKIP accuracy freed vmalloc' \
	"$(relayed tool-not-ok-skip.log 1)"

# Totals: by kind, then the overall line last.
expect "--extra FAIL counts as a failure" 1 \
	'^1 passed, 1 failed$' --extra PASS:a --extra FAIL:b
expect "nothing to judge fails" 1 '^0 passed, 0 failed$'
expect "totals over several logs" 1 \
	'^[0-9]+ passed, [0-9]+ failed, 1 skipped$' \
	kasan-in-span.log warning-outside.log no-done.log
totals=(--extra PASS:"checkpatch module/main.c" --extra FAIL:"6.12-x86_64: build pt_cases"
	--extra PASS:"bed: a kCFI type mismatch fails the guest run" kasan-in-span.log)
expect "guest checks are counted apart" 1 \
	'^guest checks: 6 passed, 0 failed, 1 skipped$' "${totals[@]}"
expect "build/style checks (host lines) are counted apart" 1 \
	'^build/style checks: 1 passed, 1 failed, 0 skipped$' "${totals[@]}"
expect "harness self-tests (host and guest bed: lines) are counted apart" 1 \
	'^harness self-tests: 5 passed, 0 failed, 0 skipped$' "${totals[@]}"
expect_last "the overall totals stay the last line" 1 \
	'12 passed, 1 failed, 1 skipped' "${totals[@]}"
[ "$fails" = 0 ]
