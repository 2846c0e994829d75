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
#include <linux/random.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "pagetrail.h"
#include "compat.h"

/* Frames above the allocation API we may have to drop: hook + internals. */
#define PT_TRIM_SLACK	16

struct pt_cpu_buf {
	int busy[PT_CONTEXTS];
	unsigned int depth[PT_CONTEXTS];	/* this event's, see pt_capture_buf() */
	u32 rnd[PT_CONTEXTS];			/* xorshift32 state for sample= */
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

	/*
	 * Unnamed text (e.g. an ftrace trampoline page) is hook glue, and so
	 * is a BPF trampoline on an allocator function: neither is the caller.
	 */
	if (!len || name[0] == '0' || !strncmp(name, "bpf_trampoline_", 15) ||
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
		/* sprint_symbol_no_offset() is not in the GKI KMI lists. */
		sprint_symbol(sym, addr);
		sym[strcspn(sym, "+ ")] = '\0';
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

/*
 * sample=N: one event in N, drawn per CPU and context, keeps depth frames;
 * the others are cut after the API's caller (depth 0 below), for a
 * fraction of the unwinding. A pseudo-random draw, not every Nth event:
 * an allocation and its free would otherwise always fall on the same side.
 */
static unsigned int pt_event_depth(struct pt_cpu_buf *b, int ctx)
{
	unsigned int n = READ_ONCE(pt_sample);
	u32 x;

	if (likely(n <= 1))
		return pt_depth;
	x = b->rnd[ctx];
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	b->rnd[ctx] = x;
	if (!(((u64)x * n) >> 32))
		return pt_depth;
	pt_count(PT_CTR_SAMPLED_OUT);
	return 0;
}

/**
 * pt_capture_buf - where pt_capture() unwinds to
 * @trim_hint: the calling hook's hint: the most frames it had to trim
 * @len: set to the frames to unwind: this event's depth plus the hint
 *
 * Decides this event's depth (pt_depth, or 0: cut after the API's caller,
 * see pt_event_depth()); the walk and pt_capture_finish() keep that many
 * frames. Unwinding costs per frame; a deeper trim than expected costs one
 * event a few of its last frames and raises the hook's hint.
 *
 * Context: Between pt_enter() and pt_leave().
 * Return: this CPU's and context's buffer.
 */
unsigned long *pt_capture_buf(unsigned int *trim_hint, unsigned int *len)
{
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);
	int ctx = pt_context_level();

	b->depth[ctx] = pt_event_depth(b, ctx);
	*len = min_t(unsigned int,
		     (b->depth[ctx] ?: PT_CUT_UNWIND) + READ_ONCE(*trim_hint),
		     PT_MAX_DEPTH + PT_TRIM_SLACK);
	return b->entries[ctx];
}

#if PT_HAVE_REGS_WALK || PT_HAVE_FRAME_WALK
/*
 * The most frames a walk unwinds: a cut event (depth 0) ends at its caller,
 * which pt_capture_finish() looks for in the first PT_TRIM_SLACK frames.
 */
static unsigned int pt_walk_limit(unsigned int depth)
{
	return depth ? PT_MAX_DEPTH + PT_TRIM_SLACK : PT_TRIM_SLACK + 1;
}

/*
 * One frame of a walk: while the first caller frame is not found, classify
 * @e[@n]; once it is, the walk needs @depth frames from the frame
 * pt_capture_finish() will keep (the last API frame before the caller, or
 * the caller), or with @depth 0 none past the caller, and *@stop says how
 * many in all.
 */
static void pt_walk_note(const unsigned long *e, unsigned int n, int *api,
			 unsigned int *stop, int *first, unsigned int depth,
			 char *sym)
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
	*stop = min_t(unsigned int, *stop, depth ? *first + depth : n + 1);
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
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);
	int ctx = pt_context_level();
	unsigned int n = 0, stop = pt_walk_limit(b->depth[ctx]);
	struct unwind_state state;
	unsigned long addr;
	int api = -1;

	*first = -1;
	e[n] = regs->ip;
	pt_walk_note(e, n++, &api, &stop, first, b->depth[ctx], b->sym[ctx]);
	for (unwind_start(&state, current, regs, NULL);
	     n < stop && !unwind_done(&state); unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		e[n] = addr;
		pt_walk_note(e, n++, &api, &stop, first, b->depth[ctx],
			     b->sym[ctx]);
	}
	return n;
#else
	*first = -1;
	return 0;
#endif
}

#if PT_HAVE_FRAME_WALK
/*
 * The exception's pt_regs whose metadata record is at @fp, or 0 if @fp is
 * not one (the final record, an unknown type, or no metadata records).
 */
static unsigned long pt_meta_regs(unsigned long fp, unsigned long high)
{
	if (PT_FRAME_META_PT_REGS == -1UL || fp + 3 * sizeof(u64) > high ||
	    READ_ONCE_NOCHECK(((u64 *)fp)[2]) != PT_FRAME_META_PT_REGS)
		return 0;
	return fp - PT_REGS_FRAME_OFFSET;
}
#endif

/**
 * pt_walk_frames - save the stack from a frame record, no more than kept
 * @fp: the first frame record; its return address is the first frame
 * @e: the entries, room for PT_MAX_DEPTH + PT_TRIM_SLACK
 * @first: as for pt_walk_regs()
 *
 * The kernel's frame-record walk (see PT_HAVE_FRAME_WALK), from the
 * caller's frame of a function that cannot start the kernel's, and with
 * pt_walk_regs()'s exact stop. Every record read lies on the current task
 * stack above the previous one; a record that does not ends the walk, as
 * it ends the kernel's.
 *
 * Context: Any context, between pt_enter() and pt_leave(); @fp is a frame
 * record of the current stack.
 * Return: entries saved; 0 where the kernel's unwinder must do the walk:
 * @fp is not on the task stack (an interrupt stack), a return address may
 * be a trampoline's (pt_stack_rewritten()), or no frame walk on this arch.
 */
unsigned int pt_walk_frames(unsigned long fp, unsigned long *e, int *first)
{
#if PT_HAVE_FRAME_WALK
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);
	int ctx = pt_context_level();
	unsigned long low = (unsigned long)task_stack_page(current);
	unsigned long high = low + THREAD_SIZE;
	unsigned int n = 0, stop = pt_walk_limit(b->depth[ctx]);
	unsigned long next, pc, end, regs;
	int api = -1;

	*first = -1;
	if (fp < low || fp >= high || pt_stack_rewritten())
		return 0;
	/* @low: where the next record may start, above the last one read. */
	while (n < stop) {
		/* high - fp: a record near the top of memory must not wrap. */
		if ((fp & 7) || fp < low || fp >= high ||
		    high - fp < 2 * sizeof(u64))
			break;
		end = fp + 2 * sizeof(u64);
		next = READ_ONCE_NOCHECK(((u64 *)fp)[0]);
		pc = READ_ONCE_NOCHECK(((u64 *)fp)[1]);
		if (!next && !pc) {
			/* An exception's registers: its pc, then its x29. */
			regs = pt_meta_regs(fp, high);
			if (!regs || regs < low ||
			    regs + sizeof(struct pt_regs) > high)
				break;
			end = regs + sizeof(struct pt_regs);
			pc = READ_ONCE_NOCHECK(((struct pt_regs *)regs)->pc);
			next = READ_ONCE_NOCHECK(((struct pt_regs *)regs)->regs[29]);
		}
		pc = pt_strip_pac(pc);
		if (!pc)
			break;
		e[n] = pc;
		pt_walk_note(e, n++, &api, &stop, first, b->depth[ctx],
			     b->sym[ctx]);
		low = end;
		fp = next;
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

/* Where a cut stack ends (see pt_event_depth()); never a return address. */
const char pt_cut_mark;

/*
 * Keep @e[0..@n) up to its first caller frame and end it with PT_CUT_MARK,
 * so that readers know the stack was cut. Without a caller among them (the
 * unwind was too short; pt_capture_finish() has raised the hook's hint)
 * the frames are kept as they are, unmarked: the note would claim a caller
 * that is not there. Room: the buffer holds PT_MAX_DEPTH + PT_TRIM_SLACK,
 * and a cut stack is a few frames.
 */
static unsigned int pt_cut_after_caller(unsigned long *e, unsigned int n,
					char *sym)
{
	unsigned int i;

	for (i = 0; i < n && i < PT_TRIM_SLACK; i++) {
		if (pt_frame_class(e[i], sym) == PT_FRAME_CALLER) {
			e[i + 1] = PT_CUT_MARK;
			return i + 2;
		}
	}
	return i;
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
	if (b->depth[ctx])
		n = min(n - first, b->depth[ctx]);
	else
		n = pt_cut_after_caller(e + first, n - first, b->sym[ctx]);
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
	int cpu, ctx;

	pt_cpu_buf = alloc_percpu(struct pt_cpu_buf);
	if (!pt_cpu_buf)
		return -ENOMEM;
	/* xorshift32 never leaves a non-zero state. */
	for_each_possible_cpu(cpu)
		for (ctx = 0; ctx < PT_CONTEXTS; ctx++)
			per_cpu_ptr(pt_cpu_buf, cpu)->rnd[ctx] =
				get_random_u32() | 1;
	return 0;
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
