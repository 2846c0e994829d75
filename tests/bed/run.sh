#!/bin/bash
# Self-tests of scripts/parse-results.py on synthetic serial logs: the harness
# must pass good runs and fail bad ones. Prints "PASS: name" / "FAIL: name"
# per case (check.sh folds these into the totals); exits 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
parse=$here/../../scripts/parse-results.py
fails=0

# expect NAME WANT-RC REGEX PARSE-ARGS...: run parse-results.py, check its exit
# status and that its output matches REGEX (grep -E, multi-line as one).
expect() {
	local name=$1 want=$2 re=$3 out rc
	shift 3
	out=$(python3 "$parse" "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $name (exit $rc, want $want)"
		printf '%s\n' "$out" | sed 's/^/#   /'
		fails=$((fails + 1))
	elif ! printf '%s\n' "$out" | grep -qE -- "$re"; then
		echo "FAIL: $name (output lacks /$re/)"
		printf '%s\n' "$out" | sed 's/^/#   /'
		fails=$((fails + 1))
	else
		echo "PASS: $name"
	fi
}

cd "$here" || exit 1
expect "KASAN report inside a span passes" 0 \
	'^4 passed, 0 failed, 1 skipped$' kasan-in-span.log
expect "test whose expected report never came fails" 1 \
	'^FAIL missing-report: page_uaf reports KASAN use-after-free$' \
	missing-report.log
expect "span without KASAN report is noted" 1 \
	'^note: missing-report: span page_uaf saw no "BUG: KASAN:" report$' \
	missing-report.log
expect "WARNING outside a span fails" 1 \
	'^FAIL warning-outside: no unexpected kernel splat \(line 9: WARNING: ' \
	warning-outside.log
expect "log without PAGETRAIL-GUEST-DONE fails" 1 \
	'^FAIL no-done: guest run completed \(no PAGETRAIL-GUEST-DONE' no-done.log
expect "timed-out guest fails" 1 \
	'^FAIL timeout: guest run completed \(guest timed out' timeout.log
expect "guest with zero tests fails" 1 \
	'^FAIL no-tests: guest run completed \(no tests ran\)$' no-tests.log
expect "--extra FAIL counts as a failure" 1 \
	'^1 passed, 1 failed$' --extra PASS:a --extra FAIL:b
expect "nothing to judge fails" 1 '^0 passed, 0 failed$'
expect "totals over several logs" 1 \
	'^[0-9]+ passed, [0-9]+ failed, 1 skipped$' \
	kasan-in-span.log warning-outside.log no-done.log
[ "$fails" = 0 ]
