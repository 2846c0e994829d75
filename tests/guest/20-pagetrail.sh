#!/bin/sh
# pagetrail in a KASAN guest: load-time self-test, annotated KASAN reports
# for every page bug in pt_cases.ko, debugfs lookup, parameters, reload.
# pagetrail-guest: triggers-kasan-reports
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
PARAMS=/sys/module/pagetrail/parameters
RUN=/sys/kernel/debug/pt_cases/run

# Functions a trimmed stack must never start with: hook glue and allocator
# internals, as module/compat.h lists them (staged by check.sh).
INTERNAL="(\\[pagetrail\\]\$|^($(paste -s -d'|' "$PT_KO/frames-internal.txt"))[+.])"
# What it must start with: an allocation or free API (the outermost one
# its caller called). A free API may tail-call into the allocator
# (__free_pages() does), leaving its caller as the first frame.
API="^($(paste -s -d'|' "$PT_KO/frames-api.txt"))[+.]"

# starts_right FIRST [CALLER]: FIRST is an API frame, or CALLER if given.
starts_right() {
	[ -n "$1" ] && ! echo "$1" | grep -qE "$INTERNAL" &&
		echo "$1" | grep -qE "$API${2:+|^$2[+.]}"
}

# block SPAN WHAT: the frames pagetrail printed under "last WHAT by:" in SPAN.
block() {
	kmsg_span "$1" | sed 's/^\[[^]]*\] //' |
		awk -v w="pagetrail: last $2 by:" '
			$0 == w { on = 1; next }
			on && /^ / { sub(/^ +/, ""); print; next }
			on { exit }'
}

# write FILE VALUE: echo VALUE into FILE; prints the shell's error, if any.
write() {
	( echo "$2" >"$1" ) 2>&1
}

if insmod_ko pagetrail; then
	ok "pagetrail loads (self-test passed)"
else
	not_ok "pagetrail loads (self-test passed)" "$(dmesg | grep pagetrail | tail -n 5)"
	exit 0
fi
for side in alloc free; do
	chosen=$(grep "^$side set .*: chosen" $PT/hooks)
	if [ -n "$chosen" ]; then
		ok "$side hook set chosen: ${chosen#* set }"
	else
		not_ok "$side hook set chosen" "$(cat $PT/hooks)"
	fi
done
diag "$(cat $PT/hooks)"
if grep -q MISSED $PT/hooks; then
	not_ok "self-test covers every allocator path" "$(grep MISSED $PT/hooks)"
else
	ok "self-test covers every allocator path"
fi

insmod_ko pt_cases || not_ok "pt_cases loads"

# case ALLOC_HELPER FREE_HELPER STATE [REPORT]
run_case() {
	c=$1 alloc_fn=$2 free_fn=$3 state=$4 bug=${5:-BUG: KASAN:}
	# 6.18's slab may refuse the second kfree() with a WARNING instead
	# (below), and 6.1 and 6.12 warn in free_large_kmalloc() before KASAN
	# reports: the host excuses that one WARNING in this span only.
	[ "$c" != double_free ] || expect_kinds "$c" kasan warning:mm/slub.c \
		kasan+warning:free_large_kmalloc
	expect_begin "$c"
	echo "$c" >$RUN
	expect_end "$c"
	span=$(kmsg_span "$c")
	if ! echo "$span" | grep -q "$bug"; then
		# 6.18's slab refuses a second kfree() of a large kmalloc
		# itself (WARNING, "Not a kmalloc allocation"): no KASAN report.
		if [ "$c" = double_free ] &&
		   echo "$span" | grep -q "Not a kmalloc allocation"; then
			skip "$c: KASAN reports" "slab caught the second kfree() before KASAN"
			return
		fi
		not_ok "$c: KASAN reports" "no '$bug' in the span"
		return
	fi
	# KASAN names the page: "page: refcount:... pfn:0x..." ; compare.
	kpfn=$(echo "$span" | sed -n 's/.*page:.* pfn:\(0x[0-9a-f]*\).*/\1/p' | head -n 1)
	line=$(echo "$span" | sed 's/^\[[^]]*\] //' | grep -m1 '^pagetrail: pfn')
	if echo "$span" | sed -n "/$bug/,\$p" | grep -q '^.*pagetrail: pfn'; then
		ok "$c: pagetrail block follows the report"
	else
		not_ok "$c: pagetrail block follows the report" "$(echo "$span" | grep pagetrail)"
		return
	fi
	ppfn=$(echo "$line" | sed -n 's/^pagetrail: pfn \(0x[0-9a-f]*\).*/\1/p')
	order=$(echo "$line" | sed -n 's/.*(order \([0-9]*\)).*/\1/p')
	# KASAN names the head page of a compound block, pagetrail the page.
	head=$(printf '0x%x' $((ppfn & ~((1 << ${order:-0}) - 1))))
	if [ -n "$ppfn" ] && { [ -z "$kpfn" ] || [ "$kpfn" = "$ppfn" ] || [ "$kpfn" = "$head" ]; }; then
		ok "$c: pfn $ppfn${kpfn:+ matches KASAN's $kpfn}"
	else
		not_ok "$c: pfn matches KASAN's" "KASAN $kpfn, pagetrail $ppfn"
	fi
	if echo "$line" | grep -q "is $state\$"; then
		ok "$c: page is $state"
	else
		not_ok "$c: page is $state" "$line"
	fi
	a=$(block "$c" allocated)
	if echo "$a" | grep -q "^$alloc_fn[+.]"; then
		ok "$c: alloc stack names $alloc_fn"
	else
		not_ok "$c: alloc stack names $alloc_fn" "$a"
	fi
	first=$(echo "$a" | head -n 1)
	if starts_right "$first"; then
		ok "$c: alloc stack starts at the API (${first%%+*})"
	else
		not_ok "$c: alloc stack starts at the API" "first frame '$first'"
	fi
	[ "$free_fn" = - ] && return
	f=$(block "$c" freed)
	if echo "$f" | grep -q "^$free_fn[+.]"; then
		ok "$c: free stack names $free_fn"
	else
		not_ok "$c: free stack names $free_fn" "$f"
	fi
	first=$(echo "$f" | head -n 1)
	if starts_right "$first" "$free_fn"; then
		ok "$c: free stack starts at the API (${first%%+*})"
	else
		not_ok "$c: free stack starts at the API" "first frame '$first'"
	fi
}

run_case page_uaf pt_cases_alloc_page0 pt_cases_free_page0 free
run_case order3_uaf pt_cases_alloc_order3 pt_cases_free_order3 free
run_case kmalloc_large_uaf pt_cases_alloc_large pt_cases_free_large free
run_case page_oob pt_cases_alloc_oob - allocated
run_case double_free pt_cases_alloc_df pt_cases_free_df free "BUG: KASAN: double-free"
# Hardware tags check real accesses only, and a read after vfree() faults
# on the unmapped area: there vmalloc is covered by vmalloc_oob alone.
if [ "$(kasan_mode)" = hw-tags ]; then
	skip "vmalloc_uaf" "hardware tags: a read after vfree() faults, no software check can report it (vmalloc_oob below)"
else
	run_case vmalloc_uaf pt_cases_alloc_vmalloc pt_cases_free_vmalloc free
	# The address came from the vfree ring: the report names vfree()'s caller.
	v=$(kmsg_span vmalloc_uaf | sed 's/^\[[^]]*\] //' |
		sed -n '/was unmapped by vfree() from:/,/^pagetrail: pfn/p')
	if echo "$v" | grep -q '^ pt_cases_free_vmalloc[+.]'; then
		ok "vmalloc_uaf: report names the vfree() caller, pt_cases_free_vmalloc"
	else
		not_ok "vmalloc_uaf: report names the vfree() caller, pt_cases_free_vmalloc" "$v"
	fi
fi
run_case vmalloc_oob pt_cases_alloc_vmalloc_oob - allocated
run_case bulk_uaf pt_cases_alloc_bulk pt_cases_free_bulk free

# lookup: a page the trigger allocated and kept
echo keep >$RUN
pages=/sys/kernel/debug/pt_cases/pages
for kind in pfn phys virt; do
	v=$(sed -n "s/^kept .*$kind \(0x[0-9a-f]*\).*/\1/p" $pages)
	pfn=$(sed -n 's/^kept pfn \(0x[0-9a-f]*\).*/\1/p' $pages)
	err=$(write $PT/lookup "$kind $v")
	out=$(cat $PT/lookup)
	if [ -z "$err" ] &&
	   echo "$out" | grep -q "^pagetrail: pfn $pfn (order 1) is allocated\$" &&
	   echo "$out" | sed -n '/last allocated by:/,/last freed by:/p' | grep -q '^ pt_cases_alloc_kept+'; then
		ok "lookup '$kind' finds the kept page and its alloc stack"
	else
		not_ok "lookup '$kind' finds the kept page and its alloc stack" "$err $out"
	fi
done

# lookup keeps its query per open file: two users do not see each
# other's page, and a second write on one file replaces its page.
pfn2=$(printf '0x%x' $((pfn + 1)))
exec 3<>$PT/lookup 4<>$PT/lookup
echo "pfn $pfn" >&3
echo "pfn $pfn2" >&4
a=$(cat <&3)
b=$(cat <&4)
echo "pfn $pfn2" >&3
c=$(cat <&3)
exec 3>&- 4>&-
if echo "$a" | grep -q "^pagetrail: pfn $pfn (" &&
   echo "$b" | grep -q "^pagetrail: pfn $pfn2 ("; then
	ok "lookup: each open file reads the page written on it"
else
	not_ok "lookup: each open file reads the page written on it" "$a / $b"
fi
if echo "$c" | grep -q "^pagetrail: pfn $pfn2 ("; then
	ok "lookup: a second write on the same file replaces its page"
else
	not_ok "lookup: a second write on the same file replaces its page" "$c"
fi

# lookup: bad input is refused with the right error
bad() {
	err=$(write $PT/lookup "$1")
	if echo "$err" | grep -q "$2"; then
		ok "lookup refuses '$1' ($2)"
	else
		not_ok "lookup refuses '$1' ($2)" "got '$err'"
	fi
}
bad "pfn" "Invalid argument"
bad "pfn zz" "Invalid argument"
bad "pfn 12abc" "Invalid argument"
bad "page 0x1000" "Invalid argument"
bad "pfn -1" "Invalid argument"
bad "pfn 0x$(printf '%x' 1099511627775)" "out of range"
bad "virt 0x10" "out of range"
bad "$(head -c 200 /dev/zero | tr '\0' x)" "Invalid argument"

# sample=N: one event in N keeps its whole stack, the others the API and
# its caller, flagged as such in lookup and reports.
short0=$(sed -n 's/^short_stacks: //p' $PT/stats)
check "sample=65536 is taken at runtime" [ -z "$(write $PARAMS/sample 65536)" ]
f=$(nested_stack)
# One chance in 65536 that this event kept its stack: draw again.
echo "$f" | grep -qx pt_cases_nested_outer && f=$(nested_stack)
diag "$(sed -n '/last allocated by:/,/^pagetrail: last freed/p' $PT/lookup)"
# The API frames (one or two, by kernel), pt_cases_alloc_nested, the note.
if echo "$(echo "$f" | head -n 1)+" | grep -qE "$API" &&
   [ "$(echo "$f" | tail -n 2 | tr '\n' ' ')" = "pt_cases_alloc_nested NOTE " ] &&
   [ "$(echo "$f" | wc -l)" -le 4 ]; then
	ok "sample=65536: the stack stops at the caller, pt_cases_alloc_nested, and says so"
else
	not_ok "sample=65536: the stack stops at the caller, pt_cases_alloc_nested, and says so" \
		"$(echo "$f" | tr '\n' ' ')"
fi
grep -q '^sample: 65536$' $PT/stats && ok "sample=65536: stats says sample: 65536" ||
	not_ok "sample=65536: stats says sample: 65536" "$(grep ^sample $PT/stats)"
short1=$(sed -n 's/^short_stacks: //p' $PT/stats)
check "sample=65536: stats counts short stacks ($short0 -> $short1)" [ "$short1" -gt "$short0" ]
echo 1 >$PARAMS/sample
f=$(nested_stack)
if echo "$f" | grep -A1 -x pt_cases_alloc_nested | tail -n 1 | grep -qx pt_cases_nested_outer &&
   ! echo "$f" | grep -qx NOTE; then
	ok "sample=1: the whole stack again, pt_cases_nested_outer and beyond"
else
	not_ok "sample=1: the whole stack again, pt_cases_nested_outer and beyond" "$(echo "$f" | tr '\n' ' ')"
fi
for v in 0 65537 abc; do
	if write $PARAMS/sample "$v" | grep -q "Invalid argument" &&
	   [ "$(cat $PARAMS/sample)" = 1 ]; then
		ok "sample refuses '$v'"
	else
		not_ok "sample refuses '$v'" "sample is $(cat $PARAMS/sample)"
	fi
done

# enabled=0 stops recording; the quiet page must not carry its stack
echo 0 >$PARAMS/enabled
echo quiet >$RUN
echo 1 >$PARAMS/enabled
qpfn=$(sed -n 's/^quiet pfn \(0x[0-9a-f]*\).*/\1/p' $pages)
write $PT/lookup "pfn $qpfn" >/dev/null
if cat $PT/lookup | grep -q pt_cases_alloc_quiet; then
	not_ok "enabled=0 stops recording" "$(cat $PT/lookup)"
else
	ok "enabled=0 stops recording"
fi
# and enabled=1 resumes it
echo keep >$RUN
err=$(write $PARAMS/enabled maybe)
if echo "$err" | grep -q "Invalid argument" && [ "$(cat $PARAMS/enabled)" = Y ]; then
	ok "enabled refuses 'maybe'"
else
	not_ok "enabled refuses 'maybe'" "$err / $(cat $PARAMS/enabled)"
fi
err=$(write $PARAMS/print_on_report 7)
check "print_on_report refuses '7'" sh -c "echo '$err' | grep -q 'Invalid argument'"

# print_on_report=0: KASAN still reports, pagetrail stays quiet
echo 0 >$PARAMS/print_on_report
expect_begin quiet_report
echo page_uaf >$RUN
expect_end quiet_report
echo 1 >$PARAMS/print_on_report
if kmsg_span quiet_report | grep -q 'BUG: KASAN' &&
   ! kmsg_span quiet_report | grep -q 'pagetrail: pfn'; then
	ok "print_on_report=0 keeps reports unannotated"
else
	not_ok "print_on_report=0 keeps reports unannotated"
fi

# memory: bytes per covered page. Each page costs its records (8 or 4 B;
# on 5.15, whose stackdepot handles have no spare bits, a byte more per
# record); the section directory adds a fixed few bytes, which must stay
# negligible.
mem_check() {
	case $(uname -r) in
	5.*) set -- "$1" $(($2 + $2 / 4)) ;;
	esac
	pages=$(sed -n 's/^pages_covered: //p' $PT/stats)
	bytes=$(sed -n 's/^table_bytes: //p' $PT/stats)
	dir=$(sed -n 's/^directory_bytes: //p' $PT/stats)
	milli=$(sed -n 's/^table_millibytes_per_page: //p' $PT/stats)
	diag "mode=$1: table_bytes=$bytes (directory $dir) pages_covered=$pages -> $milli/1000 B/page"
	if [ "${pages:-0}" -gt 0 ] && [ $((bytes - dir)) -le $(($2 * pages)) ] &&
	   [ $((dir * 100)) -lt "$pages" ]; then
		ok "mode=$1 costs <= $2 B/page, directory < 0.01 B/page"
	else
		not_ok "mode=$1 costs <= $2 B/page, directory < 0.01 B/page" \
			"$bytes bytes ($dir directory) for $pages pages"
	fi
}
mem_check both 8

# unload and reload, while pages are being allocated and freed
rmmod pt_cases
( i=0; while [ $i -lt 200 ]; do cat /proc/meminfo /sys/kernel/debug/pagetrail/stats >/dev/null 2>&1; ls -R /sys/kernel >/dev/null 2>&1; i=$((i + 1)); done ) &
busy=$!
cycles=0
while [ $cycles -lt 5 ]; do
	rmmod pagetrail || break
	insmod_ko pagetrail || break
	cycles=$((cycles + 1))
done
kill $busy 2>/dev/null
wait $busy 2>/dev/null
check "unload/reload under allocation load ($cycles/5 cycles)" [ $cycles = 5 ]
rmmod pagetrail

# invalid load-time parameters are refused with a reason
for p in mode=sideways depth=0 depth=65 depth=ten; do
	if insmod "$PT_KO/pagetrail.ko" "$p" 2>/dev/null; then
		rmmod pagetrail
		not_ok "insmod refuses $p"
	elif dmesg | tail -n 5 | grep -q "pagetrail: ${p%%=*}: expected"; then
		ok "insmod refuses $p with a reason"
	else
		not_ok "insmod refuses $p with a reason" "$(dmesg | tail -n 3)"
	fi
done

# mode=last: one record per page, 4 B/page, last event only
if insmod_ko pagetrail mode=last depth=8; then
	ok "mode=last loads"
	mem_check last 4
	insmod_ko pt_cases
	expect_begin last_uaf
	echo page_uaf >$RUN
	expect_end last_uaf
	f=$(block last_uaf freed)
	if echo "$f" | grep -q '^pt_cases_free_page0+' &&
	   [ -z "$(block last_uaf allocated)" ] &&
	   [ "$(echo "$f" | wc -l)" -le 8 ]; then
		ok "mode=last reports only the free stack (depth 8)"
	else
		not_ok "mode=last reports only the free stack (depth 8)" "$(kmsg_span last_uaf | grep -A12 'pagetrail: pfn')"
	fi
	rmmod pt_cases
	rmmod pagetrail
else
	not_ok "mode=last loads"
fi
exit 0
