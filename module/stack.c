// SPDX-License-Identifier: GPL-2.0
/*
 * Stack capture for pagetrail: unwind, drop the frames of the hook and of
 * the page allocator's internals, and store the rest in stackdepot.
 *
 * Runs inside the page allocator in any context. It never sleeps, takes no
 * lock of its own, and guards against recursion: stackdepot may allocate a
 * page for its pool, which re-enters the hooks on the same CPU.
 */
#include <linux/hardirq.h>
#include <linux/hash.h>
#include <linux/irq_work.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/workqueue.h>

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

enum pt_frame_class { PT_FRAME_CALLER, PT_FRAME_INTERNAL, PT_FRAME_API };

/*
 * Classifying a return address costs a kallsyms lookup, so remember the
 * answer. Direct-mapped caches of single words, one per class: racing
 * writers only evict each other, and a reader never sees a torn entry.
 */
#define PT_CACHE_BITS	9
static unsigned long pt_cache[3][1 << PT_CACHE_BITS];

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

static enum pt_frame_class pt_name_class(const char *name)
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

static enum pt_frame_class pt_frame_class(unsigned long addr, char *sym)
{
	unsigned int slot = hash_long(addr, PT_CACHE_BITS);
	enum pt_frame_class c;

	if (within_module(addr, THIS_MODULE))
		return PT_FRAME_INTERNAL;
	for (c = PT_FRAME_CALLER; c <= PT_FRAME_API; c++) {
		if (READ_ONCE(pt_cache[c][slot]) == addr)
			return c;
	}
	sprint_symbol_no_offset(sym, addr);
	c = pt_name_class(sym);
	WRITE_ONCE(pt_cache[c][slot], addr);
	return c;
}

/*
 * Per-CPU, per-context recursion guard: an interrupt may record its own
 * event while the interrupted context is capturing, but a context never
 * re-enters itself. Callers run with preemption disabled.
 */
bool pt_enter(void)
{
	struct pt_cpu_buf *b;

	if (in_nmi()) {
		pt_count(nmi);
		return false;
	}
	preempt_disable_notrace();
	b = this_cpu_ptr(pt_cpu_buf);
	if (b->busy[pt_context_level()]) {
		preempt_enable_notrace();
		pt_count(recursion);
		return false;
	}
	b->busy[pt_context_level()] = 1;
	barrier();
	return true;
}

void pt_leave(void)
{
	barrier();
	this_cpu_ptr(pt_cpu_buf)->busy[pt_context_level()] = 0;
	preempt_enable_notrace();
}

/*
 * Where pt_capture() unwinds to, and how many frames it asks for: depth
 * plus the most frames this hook has had to trim so far. Unwinding costs
 * per frame; a deeper trim than expected costs one event a few of its last
 * frames and raises the hook's hint.
 */
unsigned long *pt_capture_buf(unsigned int *trim_hint, unsigned int *len)
{
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);

	*len = min_t(unsigned int, pt_depth + READ_ONCE(*trim_hint),
		     PT_MAX_DEPTH + PT_TRIM_SLACK);
	return b->entries[pt_context_level()];
}

/*
 * Topping up stackdepot's pool. Where a save must not allocate, a full
 * pool (6.15+: or a contended pool lock) makes it fail; saving that stack
 * again from a worker, where allocating is safe, gives the depot a new
 * pool. Two slots: when both hold stacks new to the depot, the second save
 * also makes it allocate a spare pool, so the next fill does not fail
 * before the worker has run again.
 */
#define PT_TOPUP_SLOTS	2

static struct {
	unsigned long entries[PT_MAX_DEPTH];
	unsigned int nr;
} pt_pending[PT_TOPUP_SLOTS];
static unsigned long pt_pending_claimed;	/* bit per slot: taken */
static unsigned long pt_pending_ready;		/* bit per slot: written */
/* Allocating saves that failed in a row; stackdepot may be disabled. */
#define PT_TOPUP_GIVE_UP	8
static unsigned int pt_topup_failures;

static void pt_topup_work_fn(struct work_struct *work)
{
	int i;

	for (i = 0; i < PT_TOPUP_SLOTS; i++) {
		if (!test_bit(i, &pt_pending_ready))
			continue;
		smp_rmb(); /* pairs with smp_mb__before_atomic() in the request */
		if (stack_depot_save(pt_pending[i].entries, pt_pending[i].nr,
				     GFP_KERNEL)) {
			pt_count(depot_topups);
			WRITE_ONCE(pt_topup_failures, 0);
		} else {
			WRITE_ONCE(pt_topup_failures, pt_topup_failures + 1);
		}
		clear_bit(i, &pt_pending_ready);
		clear_bit_unlock(i, &pt_pending_claimed);
	}
}
static DECLARE_WORK(pt_topup_work, pt_topup_work_fn);

/*
 * From irq_work: queueing work directly could take locks the allocator
 * holds. Unbound, so that it can run while this CPU is busy freeing.
 */
static void pt_topup_irq_work_fn(struct irq_work *iw)
{
	queue_work(system_unbound_wq, &pt_topup_work);
}
static struct irq_work pt_topup_iw;

static void pt_topup_request(unsigned long *e, unsigned int n)
{
	int i;

	if (READ_ONCE(pt_topup_failures) >= PT_TOPUP_GIVE_UP)
		return;
	for (i = 0; i < PT_TOPUP_SLOTS; i++) {
		if (test_and_set_bit_lock(i, &pt_pending_claimed))
			continue;
		memcpy(pt_pending[i].entries, e, n * sizeof(*e));
		pt_pending[i].nr = n;
		smp_mb__before_atomic(); /* the stack before the ready bit */
		set_bit(i, &pt_pending_ready);
		irq_work_queue(&pt_topup_iw);
		return;
	}
}

/*
 * May stackdepot allocate its next pool here? Only for an allocation whose
 * caller may sleep (so it holds no spinlock) and whose hook runs outside
 * the allocator's locks (callers pass gfp 0 otherwise), and never on
 * PREEMPT_RT, where the page allocator's locks sleep and we run with
 * preemption off. Frees never allocate: the allocator may hold its locks
 * around them (6.15's free_pages_nolock()).
 */
static bool pt_depot_may_alloc(gfp_t gfp, enum pt_kind kind)
{
	return kind == PT_ALLOC && gfpflags_allow_blocking(gfp) &&
	       !IS_ENABLED(CONFIG_PREEMPT_RT);
}

static depot_stack_handle_t pt_depot_save(unsigned long *e, unsigned int n,
					  gfp_t gfp, enum pt_kind kind)
{
	depot_stack_handle_t h;

	if (!pt_depot_may_alloc(gfp, kind) && pt_depot_can_nolock()) {
		h = pt_depot_save_nolock(e, n);
		if (!h) {
			pt_count(depot_nolock_failed);
			pt_topup_request(e, n);
		}
		return h;
	}
	/* No reclaim: we may sit under the caller's locks. */
	gfp = (gfp & (GFP_KERNEL | GFP_ATOMIC) & ~__GFP_DIRECT_RECLAIM) |
	      __GFP_NOWARN;
	return stack_depot_save(e, n, gfp);
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
 * Return: the stack's handle, or 0 if stackdepot could not store it.
 */
depot_stack_handle_t pt_capture_finish(unsigned int *trim_hint, unsigned int n,
				       gfp_t gfp, enum pt_kind kind,
				       unsigned long ip, unsigned long caller)
{
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);
	int ctx = pt_context_level();
	unsigned long *e = b->entries[ctx];
	enum pt_frame_class c;
	unsigned int first;
	int api = -1;	/* the last API frame before the caller */
	depot_stack_handle_t h;

	if (caller)
		n = pt_insert_caller(e, n, ip, caller);
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
	n = min(n - first, pt_depth);
	if (!n)
		return 0;
	h = pt_depot_save(e + first, n, gfp, kind);
	if (!h)
		pt_count(no_stack);
	return h;
}

void pt_store(struct page *page, unsigned int order, enum pt_kind kind,
	      depot_stack_handle_t handle)
{
	unsigned long pfn = page_to_pfn(page);

	pt_table_record(pfn, order, kind, handle);
	pt_count(events[kind]);
	if (unlikely(READ_ONCE(pt_selftest_task) == current) && in_task())
		pt_selftest_note(pfn, order, kind);
}

/**
 * pt_stack_init - set up stack capture
 *
 * Context: Process context, at load.
 * Return: 0, or a negative errno.
 */
int pt_stack_init(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !pt_depot_can_nolock()) {
		pr_err("pagetrail: PREEMPT_RT needs a stackdepot save that does not allocate; this kernel exports none (" PT_DEPOT_NOLOCK_VIA ")\n");
		return -EOPNOTSUPP;
	}
	init_irq_work(&pt_topup_iw, pt_topup_irq_work_fn);
	pt_cpu_buf = alloc_percpu(struct pt_cpu_buf);
	return pt_cpu_buf ? 0 : -ENOMEM;
}

/* How frees and non-sleeping allocations are saved, for "stats". */
const char *pt_stack_nolock_via(void)
{
	return pt_depot_can_nolock() ? PT_DEPOT_NOLOCK_VIA :
	       "unavailable: saves may allocate without reclaim";
}

/**
 * pt_stack_exit - tear down stack capture
 *
 * Context: Process context, after the hooks are gone: nothing records any
 * more, so no top-up can be requested after the syncs.
 */
void pt_stack_exit(void)
{
	irq_work_sync(&pt_topup_iw);
	cancel_work_sync(&pt_topup_work);
	free_percpu(pt_cpu_buf);
}
