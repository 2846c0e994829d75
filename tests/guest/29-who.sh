#!/bin/sh
# pagetrail-guest: triggers-kasan-reports
# Who, when and what happened before: mode=full's task and time, the
# per-page history in reports and lookup, page_owner_sort's groupings by
# pid and comm, and the leak view (show_stacks, growth since a mark,
# top_free).
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
RUN=/sys/kernel/debug/pt_cases/run
POS=/tests/page_owner_sort

# Kernel lines of span $1 without their printk time.
span() {
	kmsg_span "$1" | sed 's/^\[[^]]*\] //'
}

# The history case, retried: another allocation may take the page between
# two owners. Sets HPFN and HPIDS ("a b c").
run_history() {
	local tag=$1 i
	for i in 1 2 3; do
		expect_begin "$tag"
		echo history >$RUN 2>/dev/null
		expect_end "$tag"
		span "$tag" | grep -q 'pt_cases: history pfn' && break
		# The case gave up before its read: no report in this span.
		[ "$i" = 3 ] || expect_retry "$tag"
	done
	set -- $(span "$tag" | sed -n 's/.*pt_cases: history pfn \(0x[0-9a-f]*\) pids \([0-9]*\) \([0-9]*\) \([0-9]*\)$/\1 \2 \3 \4/p')
	HPFN=$1
	HPIDS="$2 $3 $4"
}

# "kind comm time" of the history's event lines, newest first.
history_events() {
	span "$1" | sed -n 's/^pagetrail:   \(allocated\|freed\) (order [0-9]*) by pid [0-9]* tgid [0-9]* (\([^)]*\)) at \([0-9.]*\)s.*/\1 \2 \3/p'
}

# check_history TAG NAME: the newest six events are the three owners'
# frees and allocations, newest first, with their comm and pids, in time
# order, each with its own stack.
check_history() {
	local tag=$1 name=$2 ev want got
	ev=$(history_events "$tag" | head -n 6)
	want="freed pt_hist_c
allocated pt_hist_c
freed pt_hist_b
allocated pt_hist_b
freed pt_hist_a
allocated pt_hist_a"
	got=$(echo "$ev" | cut -d' ' -f1,2)
	if [ "$got" = "$want" ]; then
		ok "$name: history shows the three owners newest first, with their comm"
	else
		not_ok "$name: history shows the three owners newest first, with their comm" "$(span "$tag" | grep -A30 'pagetrail: pfn' | head -n 40)"
	fi
	# newest first: each time is earlier than the one before it
	if echo "$ev" | awk '{ if (NR > 1 && !($3 < prev)) bad = 1; prev = $3 } END { exit bad || NR != 6 }'; then
		ok "$name: history times increase from owner a to owner c"
	else
		not_ok "$name: history times increase from owner a to owner c" "$ev"
	fi
	set -- $HPIDS
	if span "$tag" | grep -q "^pagetrail:   allocated (order 0) by pid $2 tgid $2 (pt_hist_b) at [0-9.]*s, by:\$" &&
	   span "$tag" | grep -q "^pagetrail:   freed (order 0) by pid $1 tgid $1 (pt_hist_a) at [0-9.]*s, by:\$"; then
		ok "$name: history names the owners' pids"
	else
		not_ok "$name: history names the owners' pids" "pids $HPIDS"
	fi
	for who in "allocated b alloc_b" "freed b free_b" "allocated a alloc_a" "freed a free_a"; do
		set -- $who
		s=$(span "$tag" | awk -v k="pagetrail:   $1 (order 0) by " -v c="(pt_hist_$2) at " '
			index($0, k) == 1 && index($0, c) && /, by:$/ { on = 1; next }
			on && /^ / { print; next }
			on { exit }')
		if echo "$s" | grep -q "^ pt_cases_hist_$3+"; then
			ok "$name: history: $1 by pt_hist_$2 has its own stack (pt_cases_hist_$3)"
		else
			not_ok "$name: history: $1 by pt_hist_$2 has its own stack (pt_cases_hist_$3)" "stack: $s"
		fi
	done
}

if insmod_ko pagetrail mode=full; then
	ok "who: pagetrail loads with mode=full"
else
	not_ok "who: pagetrail loads with mode=full" "$(dmesg | grep pagetrail | tail -n 5)"
	exit 0
fi
st=$(cat $PT/stats)
val() { echo "$st" | sed -n "s/^$1: //p"; }
diag "mode=full costs: $(echo "$st" | grep -E 'bytes|entries' | tr '\n' ' ')"
check "who: stats: mode=full keeps 32 bytes per page" \
	[ "$(val mode)" = full -a "$(val entry_bytes_per_page)" = 32 ]
check "who: stats: history, task table and stack counts state their bytes" \
	[ "$(val history_bytes)" -gt 0 -a "$(val task_table_bytes)" -gt 0 -a \
	  "$(val stack_counts_bytes)" -gt 0 -a "$(val total_bytes)" -gt "$(val table_bytes)" ]
insmod_ko pt_cases || { not_ok "who: pt_cases loads"; rmmod pagetrail; exit 0; }

# ---- three owners, then a use-after-free ----
run_history full_hist
set -- $HPIDS
if [ -n "$HPFN" ]; then
	ok "who: three tasks allocated and freed pfn $HPFN in turn (pids $HPIDS)"
else
	not_ok "who: three tasks allocated and freed one page in turn" "$(span full_hist | grep pt_cases | tail -n 3)"
fi
expect_report full_hist "BUG: KASAN" "who: the read after the last free is reported"
expect_report full_hist "^pagetrail: last allocated by pid $3 tgid $3 \\(pt_hist_c\\) at [0-9]+\\.[0-9]{6}s, by:\$" \
	"who: report: last allocated by pt_hist_c, its pid and time"
expect_report full_hist "^pagetrail: last freed by pid $3 tgid $3 \\(pt_hist_c\\) at [0-9]+\\.[0-9]{6}s, by:\$" \
	"who: report: last freed by pt_hist_c, its pid and time"
check_history full_hist "who: report"
diag "$(span full_hist | sed -n '/^pagetrail: pfn/,$p' | head -n 60)"

# lookup prints the same block and history.
if [ -n "$HPFN" ]; then
	echo "pfn $HPFN" >$PT/lookup
	cat $PT/lookup >/tmp/lookup.txt
	# The page may have had new owners since: count, not positions.
	if grep -q "^pagetrail: history of pfn $HPFN, newest first: allocated \([3-9]\|[1-9][0-9]\+\) times, freed \([3-9]\|[1-9][0-9]\+\) times since" /tmp/lookup.txt; then
		ok "who: lookup prints the history"
	else
		not_ok "who: lookup prints the history" "$(head -n 20 /tmp/lookup.txt)"
	fi
fi

# ---- page_owner_sort groupings by pid and comm ----
echo groups >$RUN
set -- $(dmesg | sed -n 's/.*pt_cases: groups pt_grp_a pid \([0-9]*\) keeps \([0-9]*\) pages, pt_grp_b pid \([0-9]*\) keeps \([0-9]*\)$/\1 \2 \3 \4/p' | tail -n 1)
GA=$1 NA=$2 GB=$3 NB=$4
cat $PT/dump >/tmp/dump_all.txt
# The two tasks' blocks and a sample of the others (page_owner_sort is slow
# under TCG on a whole dump; its groupings are per block either way).
awk 'BEGIN { RS = ""; ORS = "\n\n" } /\(pt_grp_[ab]\)/ || NR % 16 == 0' \
	/tmp/dump_all.txt >/tmp/dump.txt
if grep -q "^Page allocated via order 0, mask 0x0(), pid $GA, tgid $GA (pt_grp_a), ts [1-9][0-9]* ns\$" /tmp/dump.txt; then
	ok "who: dump fills page_owner's pid, tgid, comm and ts"
else
	not_ok "who: dump fills page_owner's pid, tgid, comm and ts" "$(grep -m3 '^Page allocated' /tmp/dump.txt)"
fi
# count KEY VALUE FILE: the count of the culled block for VALUE whose stack
# is pt_cases_alloc_grp's.
culled() {
	awk -v k="$1" 'BEGIN { RS = "" } index($0, k) && /pt_cases_alloc_grp/ { print $1; exit }' "$2"
}
if [ -x $POS ] && [ -n "$GA" ]; then
	# page_owner_sort's key for the comm is "name" (its usage text says comm).
	$POS --cull=name,stacktrace /tmp/dump.txt /tmp/by_comm.txt >/dev/null 2>&1
	a=$(culled "task_comm_name: pt_grp_a:" /tmp/by_comm.txt)
	b=$(culled "task_comm_name: pt_grp_b:" /tmp/by_comm.txt)
	if [ "$a" = "$NA" ] && [ "$b" = "$NB" ]; then
		ok "who: page_owner_sort --cull=name: pt_grp_a $a pages, pt_grp_b $b"
	else
		not_ok "who: page_owner_sort --cull=name: pt_grp_a $NA pages, pt_grp_b $NB" "got '$a' and '$b'; $(grep -A2 pt_grp /tmp/by_comm.txt | head)"
	fi
	$POS --cull=pid,stacktrace /tmp/dump.txt /tmp/by_pid.txt >/dev/null 2>&1
	a=$(culled "PID $GA:" /tmp/by_pid.txt)
	b=$(culled "PID $GB:" /tmp/by_pid.txt)
	if [ "$a" = "$NA" ] && [ "$b" = "$NB" ]; then
		ok "who: page_owner_sort --cull=pid: pid $GA $a pages, pid $GB $b"
	else
		not_ok "who: page_owner_sort --cull=pid: pid $GA $NA pages, pid $GB $NB" "got '$a' and '$b'"
	fi
	# -p sorts by pid, -n by comm: pt_grp_a (started first) before
	# pt_grp_b, though it has fewer blocks (the default order puts pt_grp_b
	# first). (--sort=KEY is parsed, then overridden by the default
	# order in the tool itself: it sorts by times on page_owner's output too.)
	first() { grep -n "(pt_grp_[ab])" "$1" | head -n 1 | sed 's/.*(\(pt_grp_[ab]\)).*/\1/'; }
	for opt in -p -n; do
		$POS $opt /tmp/dump.txt /tmp/sorted.txt >/dev/null 2>&1
		if [ "$GA" -lt "$GB" ] && [ "$(first /tmp/sorted.txt)" = pt_grp_a ]; then
			ok "who: page_owner_sort $opt puts pt_grp_a's blocks before pt_grp_b's"
		else
			not_ok "who: page_owner_sort $opt puts pt_grp_a's blocks before pt_grp_b's" "pids $GA $GB; $(grep -B1 -A3 pt_grp /tmp/sorted.txt | head -n 20)"
		fi
	done
	# -a sorts by allocation time: pt_grp_a allocated first.
	$POS -a /tmp/dump.txt /tmp/sort_t.txt >/dev/null 2>&1
	check "who: page_owner_sort -a (allocation time) puts pt_grp_a's blocks before pt_grp_b's" \
		[ "$(first /tmp/sort_t.txt)" = pt_grp_a ]
else
	not_ok "who: page_owner_sort groupings" "no $POS or no groups line in dmesg"
fi

# ---- leak view: growth since a mark, show_stacks, top_free ----
echo mark >$PT/growth
echo leak >$RUN
echo churn >$RUN
cat $PT/growth >/tmp/growth.txt
diag "$(awk 'BEGIN { RS = ""; ORS = "\n\n" } NR == 1 || /pt_cases_leak_grow/' /tmp/growth.txt | head -n 14)"
g=$(awk 'BEGIN { RS = "" } /pt_cases_leak_grow/ { print; exit }' /tmp/growth.txt | head -n 1)
case "$g" in
"+48 pages, 48 allocated now, oldest allocated at "*) ok "who: growth names pt_cases_leak_grow: +48 pages, with its oldest page's age" ;;
*) not_ok "who: growth names pt_cases_leak_grow: +48 pages, with its oldest page's age" "got '$g'; $(head -n 12 /tmp/growth.txt)" ;;
esac
if grep -q pt_cases_churn_grow /tmp/growth.txt; then
	not_ok "who: growth does not list pt_cases_churn_grow, which freed what it allocated"
else
	ok "who: growth does not list pt_cases_churn_grow, which freed what it allocated"
fi
err=$( (echo marks >$PT/growth) 2>&1)
check "who: growth refuses a command other than mark" sh -c "echo '$err' | grep -q 'Invalid argument'"
# (stackdepot or KASAN may allocate a page inside pt_cases_leak_grow's
# allocation: a deeper stack through it, with a page or two; take the most.)
n=$(awk 'BEGIN { RS = "" } /pt_cases_leak_grow/ { for (i = 1; i <= NF; i++) if ($i == "nr_base_pages:" && $(i + 1) > max) max = $(i + 1) } END { print max }' $PT/show_stacks)
check "who: show_stacks: pt_cases_leak_grow's stack has nr_base_pages: 48" [ "$n" = 48 ]
echo 48 >$PT/count_threshold
a=$(grep -c pt_cases_leak_grow $PT/show_stacks)
echo 49 >$PT/count_threshold
b=$(grep -c pt_cases_leak_grow $PT/show_stacks)
check "who: count_threshold=48 shows the 48-page stack, 49 hides it" [ "$a" -ge 1 -a "$b" = 0 ]
echo 0 >$PT/count_threshold
check "who: count_threshold reads back 0" [ "$(cat $PT/count_threshold)" = 0 ]
echo 1000 >$PT/top_count
f=$(awk 'BEGIN { RS = "" } /pt_cases_churn_free/ { print $1; exit }' $PT/top_free)
check "who: top_free: pt_cases_churn_free freed 48 pages" [ "$f" = 48 ]
echo 10 >$PT/top_count

rmmod pt_cases
rmmod pagetrail

# ---- the default mode keeps history too, with who and when ----
if insmod_ko pagetrail && insmod_ko pt_cases; then
	run_history both_hist
	expect_report both_hist "^pagetrail: last allocated by:\$" \
		"who: mode=both: the block itself keeps no task or time"
	check_history both_hist "who: mode=both"
	rmmod pt_cases
	rmmod pagetrail
else
	not_ok "who: mode=both loads"
fi

# ---- history=0: no history, nothing else changes ----
if insmod_ko pagetrail history=0 && insmod_ko pt_cases; then
	check "who: history=0: stats says 0 history bytes" \
		[ "$(sed -n 's/^history_bytes: //p' $PT/stats)" = 0 ]
	run_history nohist
	expect_report nohist "^pagetrail: last freed by:\$" "who: history=0: the report keeps its block"
	expect_no_report nohist "history of pfn" "who: history=0: the report has no history"
	rmmod pt_cases
	rmmod pagetrail
else
	not_ok "who: history=0 loads"
fi
err=$(insmod $PT_KO/pagetrail.ko history=abc 2>&1)
check "who: history=abc is refused" sh -c "! grep -q '^pagetrail ' /proc/modules"
exit 0
