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

/*
 * Functions whose frames sit between the hook and the allocation API.
 * Compared by name once per return address (see pt_frame_internal()).
 */
static const char *const pt_internal_funcs[] = {
	/* allocation */
	"get_page_from_freelist", "prep_new_page", "post_alloc_hook",
	"__alloc_pages_slowpath", "__alloc_pages_direct_compact",
	"__alloc_pages_direct_reclaim", "__alloc_pages_may_oom",
	"__alloc_pages_cpuset_fallback",
	/* free */
	"free_pages_prepare", "__free_pages_ok", "free_unref_page",
	"free_unref_page_list", "free_unref_folios", "free_the_page",
	"free_unref_page_prepare", "free_pcp_prepare",
	/* tracepoint, ftrace and kprobe glue */
	"__traceiter_mm_page_alloc", "__traceiter_mm_page_free",
	"ftrace_trampoline", "ftrace_caller", "ftrace_regs_caller",
	"ftrace_call", "ftrace_regs_call", "ftrace_ops_assist_func",
	"ftrace_ops_list_func", "arch_ftrace_ops_list_func",
	"kprobe_ftrace_handler", "pre_handler_kretprobe",
	"kretprobe_rethook_handler", "rethook_trampoline_handler",
	"arch_rethook_trampoline", "arch_rethook_trampoline_callback",
	"__kretprobe_trampoline", "trampoline_handler",
	"ftrace_graph_func", "function_graph_enter",
};

/*
 * Classifying a return address costs a kallsyms lookup, so remember the
 * answer. Two direct-mapped caches of single words: racing writers only
 * evict each other, and a reader never sees a torn entry.
 */
#define PT_CACHE_BITS	9
static unsigned long pt_cache_internal[1 << PT_CACHE_BITS];
static unsigned long pt_cache_external[1 << PT_CACHE_BITS];

/* Strip ".constprop.0", ".isra.0", ".part.0" and the like. */
static size_t pt_base_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? dot - name : strlen(name);
}

static bool pt_name_internal(const char *name)
{
	size_t len = pt_base_len(name);
	int i;

	/* Unnamed text (e.g. an ftrace trampoline page) is hook glue. */
	if (!len || name[0] == '0')
		return true;
	for (i = 0; i < ARRAY_SIZE(pt_internal_funcs); i++) {
		if (strlen(pt_internal_funcs[i]) == len &&
		    !strncmp(pt_internal_funcs[i], name, len))
			return true;
	}
	return false;
}

static bool pt_frame_internal(unsigned long addr, char *sym)
{
	unsigned int slot = hash_long(addr, PT_CACHE_BITS);
	bool internal;

	if (within_module(addr, THIS_MODULE))
		return true;
	if (READ_ONCE(pt_cache_internal[slot]) == addr)
		return true;
	if (READ_ONCE(pt_cache_external[slot]) == addr)
		return false;

	sprint_symbol_no_offset(sym, addr);
	internal = pt_name_internal(sym);
	if (internal)
		WRITE_ONCE(pt_cache_internal[slot], addr);
	else
		WRITE_ONCE(pt_cache_external[slot], addr);
	return internal;
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
	if (b->busy[interrupt_context_level()]) {
		preempt_enable_notrace();
		pt_count(recursion);
		return false;
	}
	b->busy[interrupt_context_level()] = 1;
	barrier();
	return true;
}

void pt_leave(void)
{
	barrier();
	this_cpu_ptr(pt_cpu_buf)->busy[interrupt_context_level()] = 0;
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

	*len = min(pt_depth + READ_ONCE(*trim_hint),
		   PT_MAX_DEPTH + PT_TRIM_SLACK - 1);
	return &b->entries[interrupt_context_level()][1];
}

/**
 * pt_capture_finish - trim an unwound stack and store it in stackdepot
 * @trim_hint: the calling hook's hint, see pt_capture_buf()
 * @n: frames pt_capture() unwound into pt_capture_buf()
 * @gfp: what stackdepot may use to grow its pool
 * @api_frame: if non-zero, shown as the first frame (for return hooks,
 *	whose function has already returned)
 *
 * Must be called between pt_enter() and pt_leave(). Returns the handle, or
 * 0 if stackdepot could not store the stack.
 */
depot_stack_handle_t pt_capture_finish(unsigned int *trim_hint, unsigned int n,
				       gfp_t gfp, unsigned long api_frame)
{
	struct pt_cpu_buf *b = this_cpu_ptr(pt_cpu_buf);
	int ctx = interrupt_context_level();
	unsigned long *e = b->entries[ctx];
	unsigned int first;
	depot_stack_handle_t h;

	for (first = 1; first < n + 1 && first <= PT_TRIM_SLACK; first++) {
		if (!pt_frame_internal(e[first], b->sym[ctx]))
			break;
	}
	if (first - 1 > READ_ONCE(*trim_hint))
		WRITE_ONCE(*trim_hint, first - 1);
	if (api_frame)
		e[--first] = api_frame;
	n = min(n + 1 - first, pt_depth);
	if (!n)
		return 0;
	/* Never allocate with reclaim: we may sit under the caller's locks. */
	gfp = (gfp & (GFP_KERNEL | GFP_ATOMIC) & ~__GFP_DIRECT_RECLAIM) |
	      __GFP_NOWARN;
	h = pt_depot_save(e + first, n, gfp, true);
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

int pt_stack_init(void)
{
	pt_cpu_buf = alloc_percpu(struct pt_cpu_buf);
	return pt_cpu_buf ? 0 : -ENOMEM;
}

/* After the hooks are gone: nothing uses the buffers any more. */
void pt_stack_exit(void)
{
	free_percpu(pt_cpu_buf);
}
