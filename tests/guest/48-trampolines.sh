#!/bin/sh
# Return addresses a tracer replaced by its trampoline (the function-graph
# tracer's return_to_handler, a kretprobe's): pagetrail's stacks must stay
# the page's, as the kernel's unwinder recovers them. On arm64, where
# pagetrail follows frame records itself, such events go to the kernel's
# unwinder instead, counted in stats as kernel_unwinds.
# Last but one on purpose: once the graph tracer ran, every task keeps its
# return stack, and arm64 events go the kernel's way from then on.
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
TR=/sys/kernel/tracing

insmod_ko pagetrail || { not_ok "trampolines: pagetrail loads"; exit 0; }
if ! insmod_ko pt_cases; then
	not_ok "trampolines: pt_cases loads"
	rmmod pagetrail
	exit 0
fi
[ -e $TR/current_tracer ] || mount -t tracefs nodev $TR

unwinds() {
	sed -n 's/^kernel_unwinds: //p' $PT/stats
}
# same WHAT FRAMES [EXPECTED]: FRAMES are the untraced stack's (or
# EXPECTED), and at least the allocating helper and its caller.
same() {
	local want=${3:-$base}
	if [ "$2" = "$want" ] && [ "$(echo "$2" | wc -l)" -ge 3 ]; then
		ok "trampolines: $1: the stack is the untraced one"
	else
		not_ok "trampolines: $1: the stack is the untraced one" \
			"$(echo "$2" | head -n 8 | tr '\n' ' ') / $(echo "$want" | head -n 8 | tr '\n' ' ')"
	fi
}

base=$(nested_stack)
if echo "$base" | grep -A1 -x pt_cases_alloc_nested | tail -n 1 |
   grep -qx pt_cases_nested_outer; then
	ok "trampolines: untraced: pt_cases_alloc_nested, then pt_cases_nested_outer"
else
	not_ok "trampolines: untraced: pt_cases_alloc_nested, then pt_cases_nested_outer" \
		"$(echo "$base" | head -n 8 | tr '\n' ' ')"
fi

# kretprobe on the allocating helper: its return address is the trampoline.
u0=$(unwinds)
if echo 'r:pt_kr pt_cases_alloc_nested' >>$TR/kprobe_events &&
   echo 1 >$TR/events/kprobes/pt_kr/enable; then
	k=$(nested_stack)
	echo 0 >$TR/events/kprobes/pt_kr/enable
	echo '-:pt_kr' >>$TR/kprobe_events
	if uname -r | grep -q '^5\.15\.' &&
	   echo "$k" | grep -qx kretprobe_trampoline; then
		# 5.15's unwinders do not recover it (5.16's do): the
		# kernel's own stacks name the trampoline in the caller's
		# place too, and x86's ORC stops there. What is printed
		# must still be the untraced stack's start.
		k=$(echo "$k" | sed 's/^kretprobe_trampoline$/pt_cases_nested_outer/')
		same "kretprobe (5.15: the trampoline for the caller; the start)" \
			"$k" "$(echo "$base" | head -n "$(echo "$k" | wc -l)")"
	else
		same kretprobe "$k"
	fi
else
	not_ok "trampolines: a kretprobe on pt_cases_alloc_nested" \
		"$(cat $TR/error_log 2>/dev/null | tail -n 2)"
fi
u1=$(unwinds)

# function graph on pt_cases' functions: their return addresses are
# return_to_handler.
echo ':mod:pt_cases' >$TR/set_ftrace_filter
echo function_graph >$TR/current_tracer
g=$(nested_stack)
echo nop >$TR/current_tracer
echo >$TR/set_ftrace_filter
u2=$(unwinds)
same "function graph" "$g"

# Interrupt-stack events use it too: a count, not a check.
diag "kernel_unwinds: $u0 before, $u1 after the kretprobe, $u2 after the graph"

rmmod pt_cases
rmmod pagetrail
exit 0
