// SPDX-License-Identifier: GPL-2.0
/*
 * Stack capture: unwind, drop the frames of the hook and of the page
 * allocator's internals, and hand the rest to depot.c.
 *
 * Runs inside the page allocator in any context. It never sleeps, takes no
 * lock of its own, and guards against recursion: stackdepot may allocate a
 * page for its pool, which re-enters the hooks on the same CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hardirq.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "pagetrail.h"
#include "compat.h"

/* Frames above the allocation API we may have to drop: hook + internals. */
#define PT_TRIM_SLACK	16

struct pt_cpu_buf {
	int busy[PT_CONTEXTS];
	unsigned long entries[PT_CONTEXTS][PT_MAX_DEPTH + PT_TRIM_SLACK];
	char sym[PT_CONTEXTS][KSYM_SYMBOL_LEN];
};

/* ~5 KiB per CPU: too much for the 8 KiB static per-CPU area modules share. */
static struct pt_cpu_buf __percpu *pt_cpu_buf;

/* ==== Frame classification ==== */

/*
 * Classifying a return address costs a kallsyms lookup, so remember the
 * answer. Direct-mapped caches of single words, one per class: racing
 * writers only evict each other, and a reader never sees a torn entry.
 */
#define PT_CACHE_BITS	9
static unsigned long pt_cache[PT_FRAME_CLASSES][1 << PT_CACHE_BITS];

/* Strip ".constprop.0", ".isra.0", ".part.0" and the like. */
static size_t pt_base_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? dot - name : strlen(name);
}

static bool pt_name_in(const char *name, size_t len,
		       const char *const *list, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (strlen(list[i]) == len && !strncmp(list[i], name, len))
			return true;
	}
	return false;
}

/**
 * pt_frame_name_class - what a function's frame is to a stack
 * @name: the function's symbol name, as kallsyms prints it
 *
 * Context: Any context.
 * Return: PT_FRAME_INTERNAL for allocator internals and hook glue,
 * PT_FRAME_API for allocation and free APIs, else PT_FRAME_CALLER.
 */
enum pt_frame_class pt_frame_name_class(const char *name)
{
	size_t len = pt_base_len(name);

	/* Unnamed text (e.g. an ftrace trampoline page) is hook glue. */
	if (!len || name[0] == '0' ||
	    pt_name_in(name, len, pt_internal_funcs,
		       ARRAY_SIZE(pt_internal_funcs)))
		return PT_FRAME_INTERNAL;
	if (pt_name_in(name, len, pt_api_funcs, ARRAY_SIZE(pt_api_funcs)))
		return PT_FRAME_API;
	return PT_FRAME_CALLER;
}
EXPORT_SYMBOL_IF_KUNIT(pt_frame_name_class);

static enum pt_frame_class pt_frame_class(unsigned long addr, char *sym)
{
	unsigned int slot = hash_long(addr, PT_CACHE_BITS);
	enum pt_frame_class c;

	for (c = PT_FRAME_CALLER; c < PT_FRAME_CLASSES; c++) {
		if (READ_ONCE(pt_cache[c][slot]) == addr)
			return c;
	}
	/* pagetrail's own frames are hook glue; cached as such too. */
	if (within_module(addr, THIS_MODULE)) {
		c = PT_FRAME_INTERNAL;
	} else {
		sprint_symbol_no_offset(sym, addr);
		c = pt_frame_name_class(sym);
	}
	WRITE_ONCE(pt_cache[c][slot], addr);
	return c;
}

/* ==== Recursion guard ==== */

/**
 * pt_enter - enter the recording path on this CPU and context
 *
 * Description: Per-CPU, per-context recursion guard: an interrupt may record its own
 * event while the interrupted context is capturing, but a context never
 * re-enters itself (stackdepot allocating a pool page re-enters the hooks).
 * On success preemption stays disabled until pt_leave().
 *
 * Context: Any context; NMI is refused.
 * Return: true if the caller may record; it must then call pt_leave().
 */
bool pt_enter(void)
{
	struct pt_cpu_buf *b;

	if (in_nmi()) {
		pt_count(PT_CTR_NMI);
		return false;
	}
	preempt_disable_notrace();
	b = this_cpu_ptr(pt_cpu_buf);
	if (b->busy[pt_context_level()]) {
		preempt_enable_notrace();
		pt_count(PT_CTR_RECURSION);
		return false;
	}
	b->busy[pt_context_level()] = 1;
	barrier();
	return true;
}

/**
 * pt_leave - leave the recording path entered by pt_enter()
 *
 * Context: The context that called pt_enter().
 */
void pt_leave(void)
{
	barrier();
	this_cpu_ptr(pt_cpu_buf)->busy[pt_context_level()] = 0;
	preempt_enable_notrace();
}

/* ==== Capture ==== */

/**
 * pt_capture_buf - where pt_capture() unwinds to
 * @trim_hint: the calling hook's hint: the most frames it had to trim
 * @len: set to the frames to unwind: depth plus the hint
 *
 * Unwinding costs per frame; a deeper trim than expected costs one event a
 * few of its last frames and raises the hook's hint.
 *
 * Context: Between pt_enter() and pt_leave().
 * Return: this CPU's and context's buffer.
 */
unsigned long *pt_capture_buf(unsigned int *trim_hint, unsigned int *len)
{
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);

	*len = min_t(unsigned int, pt_depth + READ_ONCE(*trim_hint),
		     PT_MAX_DEPTH + PT_TRIM_SLACK);
	return b->entries[pt_context_level()];
}

#if PT_HAVE_REGS_WALK
/*
 * One frame of a walk: while the first caller frame is not found, classify
 * @e[@n]; once it is, the walk needs pt_depth frames from the frame
 * pt_capture_finish() will keep (the last API frame before the caller, or
 * the caller), and *@stop says how many in all.
 */
static void pt_walk_note(const unsigned long *e, unsigned int n, int *api,
			 unsigned int *stop, int *first, char *sym)
{
	enum pt_frame_class c;

	if (*first >= 0 || n >= PT_TRIM_SLACK)
		return;
	c = pt_frame_class(e[n], sym);
	if (c == PT_FRAME_API)
		*api = n;
	if (c != PT_FRAME_CALLER)
		return;
	*first = *api >= 0 ? *api : n;
	*stop = min_t(unsigned int, *stop, *first + pt_depth);
}
#endif

/**
 * pt_walk_regs - save the stack from a register state, no more than kept
 * @regs: where to start: @regs->ip is the first frame
 * @e: the entries, room for PT_MAX_DEPTH + PT_TRIM_SLACK
 * @first: set to the first frame to keep, for pt_capture_finish(); -1 if
 *	the walk did not find it
 *
 * What stack_trace_save_regs() saves, which modules cannot call, except
 * that the walk stops at the last frame pt_capture_finish() keeps: each
 * frame unwound costs, and stack_trace_save() cannot stop where the
 * trimmed stack ends.
 *
 * Context: Any context, between pt_enter() and pt_leave(); @regs
 * describes a frame of the current stack.
 * Return: entries saved; 0 where the kernel cannot walk from registers
 * (see PT_HAVE_REGS_WALK).
 */
unsigned int pt_walk_regs(struct pt_regs *regs, unsigned long *e, int *first)
{
#if PT_HAVE_REGS_WALK
	char *sym = this_cpu_ptr(pt_cpu_buf)->sym[pt_context_level()];
	unsigned int n = 0, stop = PT_MAX_DEPTH + PT_TRIM_SLACK;
	struct unwind_state state;
	unsigned long addr;
	int api = -1;

	*first = -1;
	e[n] = regs->ip;
	pt_walk_note(e, n++, &api, &stop, first, sym);
	for (unwind_start(&state, current, regs, NULL);
	     n < stop && !unwind_done(&state); unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		e[n] = addr;
		pt_walk_note(e, n++, &api, &stop, first, sym);
	}
	return n;
#else
	*first = -1;
	return 0;
#endif
}

/* Put @caller after @ip's frame in @e[0..n) unless it follows already. */
static unsigned int pt_insert_caller(unsigned long *e, unsigned int n,
				     unsigned long ip, unsigned long caller)
{
	unsigned int i;

	for (i = 0; i < n && i < PT_TRIM_SLACK; i++) {
		if (e[i] != ip)
			continue;
		if (i + 1 < n && e[i + 1] == caller)
			return n;
		memmove(&e[i + 2], &e[i + 1], (n - i - 1) * sizeof(*e));
		e[i + 1] = caller;
		return n + 1;
	}
	return n;
}

/**
 * pt_capture_finish - trim an unwound stack and store it in stackdepot
 * @trim_hint: the calling hook's hint, see pt_capture_buf()
 * @n: frames pt_capture() unwound into pt_capture_buf()
 * @known_first: the first frame to keep if the walk found it
 *	(pt_walk_regs()), else -1
 * @gfp: the allocation's gfp mask; 0 where stackdepot must not allocate
 * @kind: allocation or free
 * @ip: for a kprobe at a function's entry, that function; else 0
 * @caller: if non-zero, @ip's caller, put after @ip's frame when the
 *	unwinder skipped it (pt_capture_entry())
 *
 * Drops the leading hook and allocator-internal frames and, of the
 * allocation APIs among them, all but the outermost: the stack starts at
 * the API its caller called.
 *
 * Context: Between pt_enter() and pt_leave(): any context but NMI.
 * Return: the stack's handle (see pt_depot_save()).
 */
depot_stack_handle_t pt_capture_finish(unsigned int *trim_hint, unsigned int n,
				       int known_first, gfp_t gfp,
				       enum pt_kind kind, unsigned long ip,
				       unsigned long caller)
{
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);
	int ctx = pt_context_level();
	unsigned long *e = b->entries[ctx];
	enum pt_frame_class c;
	unsigned int first;
	int api = -1;	/* the last API frame before the caller */

	if (caller)
		n = pt_insert_caller(e, n, ip, caller);
	if (known_first >= 0 && known_first < n) {
		first = known_first;
		goto trimmed;
	}
	for (first = 0; first < n && first < PT_TRIM_SLACK; first++) {
		c = pt_frame_class(e[first], b->sym[ctx]);
		if (c == PT_FRAME_CALLER)
			break;
		if (c == PT_FRAME_API)
			api = first;
	}
	/* Internal frames may follow it (alloc_pages_mpol()): keep them. */
	if (api >= 0)
		first = api;
	if (first > READ_ONCE(*trim_hint))
		WRITE_ONCE(*trim_hint, first);
trimmed:
	n = min(n - first, pt_depth);
	return pt_depot_save(e + first, n, gfp, kind);
}

/**
 * pt_capture_init - set up stack capture
 *
 * Context: Process context, at load.
 * Return: 0 or -ENOMEM.
 */
int pt_capture_init(void)
{
	pt_cpu_buf = alloc_percpu(struct pt_cpu_buf);
	return pt_cpu_buf ? 0 : -ENOMEM;
}

/**
 * pt_capture_exit - tear down stack capture
 *
 * Context: Process context, after the hooks are detached.
 */
void pt_capture_exit(void)
{
	free_percpu(pt_cpu_buf);
}
