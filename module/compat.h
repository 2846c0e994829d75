/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference pagetrail depends on, in one place.
 *
 * Supported lines: 5.15, 6.1, 6.6, 6.12 and 6.18 (Android GKI and the
 * distributions). Each section says which kernel range each variant
 * belongs to. Where the kernel's own headers tell the variants apart (a
 * macro, a prototype) we test that; a version number only where they
 * do not.
 */
#ifndef _PAGETRAIL_COMPAT_H
#define _PAGETRAIL_COMPAT_H

#include <linux/version.h>
#include <linux/compiler.h>
#include <linux/ftrace.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/stackdepot.h>
#include <linux/timer.h>
#include <linux/tracepoint.h>
#include <linux/memory.h>
#include <linux/pagevec.h>
#include <linux/srcu.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 15, 0)
#error "pagetrail supports Linux 5.15 and later"
#endif
#ifndef CONFIG_STACKDEPOT
#error "pagetrail needs CONFIG_STACKDEPOT (select it, e.g. via CONFIG_PAGE_OWNER or CONFIG_KASAN)"
#endif
#ifndef CONFIG_SPARSEMEM
#error "pagetrail needs CONFIG_SPARSEMEM"
#endif
#if !defined(CONFIG_TRACEPOINTS) && !defined(CONFIG_DYNAMIC_FTRACE)
#error "pagetrail needs CONFIG_TRACEPOINTS or CONFIG_DYNAMIC_FTRACE"
#endif

/*
 * alloc_contig_range(start, end, migratetype | acr_flags, gfp): the pages
 * of CMA and of gigantic folios leave the free lists here without passing
 * mm_page_alloc. 6.10 renamed it for allocation profiling; 6.18 takes
 * acr_flags_t instead of a migratetype. gfp is the fourth argument in all.
 */
#ifdef alloc_hooks
#define PT_CONTIG_FUNC		alloc_contig_range_noprof
#else
#define PT_CONTIG_FUNC		alloc_contig_range
#endif
#define PT_CONTIG_FUNC_NAME	__stringify(PT_CONTIG_FUNC)
#define PT_CONTIG_ARG_GFP	3
#ifdef ACR_FLAGS_NONE					/* 6.18+ */
#define PT_CONTIG_MOVABLE	ACR_FLAGS_NONE
#else
#define PT_CONTIG_MOVABLE	MIGRATE_MOVABLE
#endif

/*
 * Optional symbols. A production GKI kernel exports only what its KMI
 * symbol lists name, and a module that references anything else does not
 * load. Listed in GKI KMIs: stack_depot_save, stack_depot_fetch,
 * tracepoint_probe_register, register_kretprobe. Not: the ones below. They
 * are resolved at load through weak references (main.c) into this table:
 * NULL where the kernel does not export them, and the feature that needs
 * them turns off. Data relocations, not code: arm64's module loader takes
 * no GOT relocations, which code referencing a weak symbol would need
 * (and the table is not const, or the compiler would read it at build time).
 */
struct pt_optional {
	typeof(&stack_depot_init) stack_depot_init;
	typeof(&for_each_kernel_tracepoint) for_each_kernel_tracepoint;
#ifdef CONFIG_DYNAMIC_FTRACE
	typeof(&register_ftrace_function) register_ftrace_function;
	typeof(&unregister_ftrace_function) unregister_ftrace_function;
	typeof(&ftrace_set_filter) ftrace_set_filter;
#endif
#ifdef STACK_DEPOT_EXTRA_BITS					/* 6.1+ */
	typeof(&stack_depot_get_extra_bits) stack_depot_get_extra_bits;
#endif
#if defined(STACK_DEPOT_EXTRA_BITS) &&				\
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)		/* 6.3+ */
#define PT_HAVE_OPT_SET_EXTRA_BITS
	typeof(&stack_depot_set_extra_bits) stack_depot_set_extra_bits;
#endif
#ifdef CONFIG_CONTIG_ALLOC
	typeof(&PT_CONTIG_FUNC) contig_alloc;
	typeof(&free_contig_range) contig_free;
#endif
#ifdef CONFIG_MEMORY_HOTPLUG
	typeof(&register_memory_notifier) register_memory_notifier;
	typeof(&unregister_memory_notifier) unregister_memory_notifier;
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)		/* -6.12 */
#define PT_HAVE_OPT_TRACEPOINT_SRCU
	struct srcu_struct *tracepoint_srcu;
#endif
#if defined(STACK_DEPOT_FLAG_CAN_ALLOC) &&			\
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 15, 0)		/* 6.8-6.14 */
#define PT_HAVE_OPT_SAVE_FLAGS
	typeof(&stack_depot_save_flags) stack_depot_save_flags;
#elif defined(STACK_DEPOT_EXTRA_BITS) &&			\
	!defined(STACK_DEPOT_FLAG_CAN_ALLOC)			/* 6.1-6.7 */
#define PT_HAVE_OPT_SAVE_CAN_ALLOC
	typeof(&__stack_depot_save) __stack_depot_save;
#endif
};
extern struct pt_optional pt_opt;

#define pt_have(sym)		(pt_opt.sym != NULL)

/*
 * tracepoint_synchronize_unregister(), without a strong reference to
 * tracepoint_srcu (not in the GKI KMI lists) up to 6.12, where it is
 * synchronize_srcu(&tracepoint_srcu) then synchronize_rcu(). The hooks'
 * tracepoints are not rcuidle ones, so where the symbol is missing no
 * probe runs under that SRCU and synchronize_rcu() is the whole wait.
 * 6.13+ dropped the SRCU: the kernel's own function.
 */
static inline void pt_tracepoint_sync(void)
{
#ifdef PT_HAVE_OPT_TRACEPOINT_SRCU
	if (pt_have(tracepoint_srcu))
		synchronize_srcu(pt_opt.tracepoint_srcu);
	synchronize_rcu();
#else
	tracepoint_synchronize_unregister();
#endif
}

/*
 * Free a batch of pages as the page cache and LRU do. 6.5+: through a
 * folio_batch (__folio_batch_release() is in the GKI KMI lists,
 * release_pages() is not); before, release_pages() itself.
 */
static inline void pt_release_batch(struct page **pages, int n)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)		/* 6.5+ */
	struct folio_batch fbatch;
	int i;

	folio_batch_init(&fbatch);
	for (i = 0; i < n; i++)
		folio_batch_add(&fbatch, page_folio(pages[i]));
	folio_batch_release(&fbatch);
#else
	release_pages(pages, n);
#endif
}

/* The weak references themselves, for main.c's pt_opt only. */
#ifdef PT_OPTIONAL_WEAK_REFS
extern typeof(stack_depot_init) stack_depot_init __weak;
extern typeof(for_each_kernel_tracepoint) for_each_kernel_tracepoint __weak;
#ifdef CONFIG_DYNAMIC_FTRACE
extern typeof(register_ftrace_function) register_ftrace_function __weak;
extern typeof(unregister_ftrace_function) unregister_ftrace_function __weak;
extern typeof(ftrace_set_filter) ftrace_set_filter __weak;
#endif
#ifdef STACK_DEPOT_EXTRA_BITS
extern typeof(stack_depot_get_extra_bits) stack_depot_get_extra_bits __weak;
#endif
#ifdef PT_HAVE_OPT_SET_EXTRA_BITS
extern typeof(stack_depot_set_extra_bits) stack_depot_set_extra_bits __weak;
#endif
#ifdef CONFIG_CONTIG_ALLOC
extern typeof(PT_CONTIG_FUNC) PT_CONTIG_FUNC __weak;
extern typeof(free_contig_range) free_contig_range __weak;
#endif
#ifdef CONFIG_MEMORY_HOTPLUG
extern typeof(register_memory_notifier) register_memory_notifier __weak;
extern typeof(unregister_memory_notifier) unregister_memory_notifier __weak;
#endif
#ifdef PT_HAVE_OPT_TRACEPOINT_SRCU
extern struct srcu_struct tracepoint_srcu __weak;
#endif
#if defined(PT_HAVE_OPT_SAVE_FLAGS)
extern typeof(stack_depot_save_flags) stack_depot_save_flags __weak;
#elif defined(PT_HAVE_OPT_SAVE_CAN_ALLOC)
extern typeof(__stack_depot_save) __stack_depot_save __weak;
#endif
#endif

/* ---- interrupt context level: 6.1+ has interrupt_context_level() ---- */

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)	/* 5.15 */
static __always_inline unsigned char pt_context_level(void)
{
	unsigned long pc = preempt_count();

	return !!(pc & NMI_MASK) + !!(pc & (NMI_MASK | HARDIRQ_MASK)) +
	       !!(pc & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET));
}
#else
#define pt_context_level()	interrupt_context_level()
#endif

/* ---- stackdepot ---- */

/*
 * Record flags ride in the handle's extra bits where stackdepot has them
 * (6.1+, STACK_DEPOT_EXTRA_BITS); 5.15 has none and the table keeps them
 * beside the handle. Set and read through stackdepot's own calls where the
 * kernel exports them (set: 6.3+; get: 6.1+); else by hand, in the layout
 * pt_table_check_layout() verifies at load against what the kernel has.
 */
#ifdef STACK_DEPOT_EXTRA_BITS
#define PT_DEPOT_EXTRA_BITS	STACK_DEPOT_EXTRA_BITS
#define PT_DEPOT_EXTRA_SHIFT	(32 - STACK_DEPOT_EXTRA_BITS)
#define PT_DEPOT_HANDLE_MASK	((1U << PT_DEPOT_EXTRA_SHIFT) - 1)

static inline depot_stack_handle_t
pt_depot_set_extra(depot_stack_handle_t handle, unsigned int bits)
{
#ifdef PT_HAVE_OPT_SET_EXTRA_BITS
	if (pt_have(stack_depot_set_extra_bits))
		return pt_opt.stack_depot_set_extra_bits(handle, bits);
#endif
	/* Like stackdepot: an empty handle carries no bits. */
	if (!handle)
		return 0;
	return (handle & PT_DEPOT_HANDLE_MASK) | (bits << PT_DEPOT_EXTRA_SHIFT);
}

static inline unsigned int pt_depot_get_extra(depot_stack_handle_t handle)
{
	if (pt_have(stack_depot_get_extra_bits))
		return pt_opt.stack_depot_get_extra_bits(handle);
	return handle >> PT_DEPOT_EXTRA_SHIFT;
}
#else							/* 5.15 */
#define PT_DEPOT_EXTRA_BITS	0
#endif

/*
 * Saving a stack where the page allocator may hold locks (every free, and
 * allocations whose caller cannot sleep): stackdepot must not allocate its
 * next pool there (page_owner's frees do the same from 6.15 on).
 * pt_depot_can_nolock() is false where the running kernel offers no such
 * call to a module.
 *  6.15+:     stack_depot_save() with a gfp that forbids spinning
 *             (gfpflags_allow_spinning()): no allocation, and only a
 *             trylock of the pool lock.
 *  6.8-6.14:  stack_depot_save_flags(..., 0) (not on GKI KMI lists); takes
 *             the raw pool lock, never allocates.
 *  6.3-6.7:   __stack_depot_save(e, n, gfp, false), likewise.
 *  6.1-6.2:   __stack_depot_save(e, n, 0, gfp, false), likewise.
 *  5.15:      none; stack_depot_save() may allocate without reclaim.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define PT_DEPOT_NOLOCK_VIA	"stack_depot_save(__GFP_NOWARN)"
static inline bool pt_depot_can_nolock(void)
{
	return true;
}

static inline depot_stack_handle_t pt_depot_save_nolock(unsigned long *e,
							unsigned int n)
{
	return stack_depot_save(e, n, __GFP_NOWARN);
}
#elif defined(PT_HAVE_OPT_SAVE_FLAGS)			/* 6.8 - 6.14 */
#define PT_DEPOT_NOLOCK_VIA	"stack_depot_save_flags"
static inline bool pt_depot_can_nolock(void)
{
	return pt_have(stack_depot_save_flags);
}

static inline depot_stack_handle_t pt_depot_save_nolock(unsigned long *e,
							unsigned int n)
{
	return pt_opt.stack_depot_save_flags(e, n, __GFP_NOWARN, 0);
}
#elif defined(PT_HAVE_OPT_SAVE_CAN_ALLOC)		/* 6.1 - 6.7 */
#define PT_DEPOT_NOLOCK_VIA	"__stack_depot_save"
static inline bool pt_depot_can_nolock(void)
{
	return pt_have(__stack_depot_save);
}

static inline depot_stack_handle_t pt_depot_save_nolock(unsigned long *e,
							unsigned int n)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return pt_opt.__stack_depot_save(e, n, __GFP_NOWARN, false);
#else
	return pt_opt.__stack_depot_save(e, n, 0, __GFP_NOWARN, false);
#endif
}
#else							/* 5.15 */
#define PT_DEPOT_NOLOCK_VIA	"(none before 6.1)"
static inline bool pt_depot_can_nolock(void)
{
	return false;
}

static inline depot_stack_handle_t pt_depot_save_nolock(unsigned long *e,
							unsigned int n)
{
	return 0;
}
#endif

/*
 * Before 5.17 stackdepot is always set up at boot; later only when
 * something asked for it (KASAN: STACKDEPOT_ALWAYS_INIT) or a user called
 * stack_depot_init(), which GKI kernels do not export.
 */
static inline int pt_stack_depot_init(void)
{
	if (pt_have(stack_depot_init))
		return pt_opt.stack_depot_init();
	if (LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0) ||
	    IS_ENABLED(CONFIG_STACKDEPOT_ALWAYS_INIT))
		return 0;
	pr_err("stack_depot_init is not exported and this kernel does not set stackdepot up at boot\n");
	return -EOPNOTSUPP;
}

/* ---- page orders ---- */

/* Largest buddy order: exclusive MAX_ORDER before 6.4, inclusive 6.4-6.7. */
#if defined(MAX_PAGE_ORDER)				/* 6.8+ */
#define PT_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)	/* 6.4 - 6.7 */
#define PT_MAX_PAGE_ORDER	MAX_ORDER
#else							/* 5.15 - 6.3 */
#define PT_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/* ---- the bulk allocator ---- */

/*
 * Name and argument layout, told apart by the prototype the kernel's
 * headers declare, never guessed:
 *  5.13-6.9:  __alloc_pages_bulk(gfp, nid, nodemask, nr, list, array)
 *  6.10-6.13: alloc_pages_bulk_noprof(gfp, nid, nodemask, nr, list, array)
 *  6.14+:     alloc_pages_bulk_noprof(gfp, nid, nodemask, nr, array)
 * PT_BULK_ARG_LIST is -1 where there is no list variant. A prototype that
 * matches none leaves PT_BULK_LAYOUT_KNOWN false: the bulk hook then
 * refuses to attach.
 */
#ifdef alloc_hooks
#define PT_BULK_FUNC		alloc_pages_bulk_noprof
#else
#define PT_BULK_FUNC		__alloc_pages_bulk
#endif
#define PT_BULK_FUNC_NAME	__stringify(PT_BULK_FUNC)

typedef unsigned long (*pt_bulk_list_fn)(gfp_t, int, nodemask_t *, int,
					 struct list_head *, struct page **);
typedef unsigned long (*pt_bulk_array_fn)(gfp_t, int, nodemask_t *, int,
					  struct page **);

#define PT_BULK_HAS_LIST	__same_type(&PT_BULK_FUNC, pt_bulk_list_fn)
#define PT_BULK_ARRAY_ONLY	__same_type(&PT_BULK_FUNC, pt_bulk_array_fn)
#define PT_BULK_LAYOUT_KNOWN	(PT_BULK_HAS_LIST || PT_BULK_ARRAY_ONLY)
#define PT_BULK_ARG_NR		3
#define PT_BULK_ARG_LIST	(PT_BULK_HAS_LIST ? 4 : -1)
#define PT_BULK_ARG_ARRAY	(PT_BULK_HAS_LIST ? 5 : 4)

/* The list variant, for the test modules: gone in 6.14. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
#define PT_HAVE_BULK_LIST
#endif

/* Fill an array of pages: the array API was renamed in 6.14. */
#ifdef alloc_pages_bulk
#define pt_alloc_pages_bulk_array(gfp, nr, pages) \
	alloc_pages_bulk(gfp, nr, pages)
#else
#define pt_alloc_pages_bulk_array(gfp, nr, pages) \
	alloc_pages_bulk_array(gfp, nr, pages)
#endif

/* ---- the free path's unref entry ---- */

/*
 * 5.15-6.14: free_unref_page(). 6.15+: __free_frozen_pages(), which
 * __free_pages() and free_frozen_pages() both call (static: where it is
 * inlined the hook set does not attach, and the self-test says so).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define PT_FREE_UNREF_FUNC	"__free_frozen_pages"
#else
#define PT_FREE_UNREF_FUNC	"free_unref_page"
#endif

/* ---- migration: where a folio's state moves to its new pages ---- */

/*
 * folio_migrate_flags(newfolio, folio) since 5.16, migrate_page_states(
 * newpage, page) before: every migration (compaction, NUMA, CMA, memory
 * offlining, hugetlb) calls it once the new folio is in place; page_owner
 * copies its owner there.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 16, 0)
#define PT_MIGRATE_FUNC		"folio_migrate_flags"
#else
#define PT_MIGRATE_FUNC		"migrate_page_states"
#endif

/* ---- ftrace: reading a traced function's arguments ---- */

/*
 * With DYNAMIC_FTRACE_WITH_ARGS, 6.6+ reads arguments through
 * ftrace_regs_get_argument(), no flag needed (arm64 has only WITH_ARGS
 * since 6.2, and refuses FTRACE_OPS_FL_SAVE_REGS). Before 6.6 x86_64 saves
 * the argument registers (WITH_ARGS) in fregs->regs. Elsewhere (arm64
 * 5.15/6.1, WITH_REGS) ask for full regs.
 */
#if defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS) && \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define PT_FTRACE_FLAGS	0
#define pt_ftrace_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#elif defined(CONFIG_X86_64) && defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#define PT_FTRACE_FLAGS	0
#define pt_ftrace_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#else
#define PT_FTRACE_FLAGS	FTRACE_OPS_FL_SAVE_REGS
static inline unsigned long pt_ftrace_arg(struct ftrace_regs *fregs,
					  unsigned int n)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? regs_get_kernel_argument(regs, n) : 0;
}
#endif

/* ---- kprobes at a function's entry ---- */

/*
 * arm64 kprobes are BRK instructions (no KPROBES_ON_FTRACE): unwinding
 * from the handler follows frame records, and at the probed function's
 * first instruction its caller is only in the link register, so the
 * unwinder skips it. x86 kprobes at entry go through ftrace, whose
 * trampoline keeps the return address on the stack.
 */
static inline unsigned long pt_kprobe_entry_caller(struct pt_regs *regs)
{
#ifdef CONFIG_ARM64
	return procedure_link_pointer(regs);
#else
	return 0;
#endif
}

/* ---- unwinding from a register state ---- */

/*
 * x86_64 exports its ORC unwinder's steps (__unwind_start(),
 * unwind_next_frame(), unwind_get_return_address(); GPL), so a walk can
 * start from a register state, as stack_trace_save_regs() (not exported)
 * does: a kprobe's, or a tracepoint probe's own return address and frame.
 * The hook's frames, module text whose ORC lookups cost more than the
 * kernel's, are then never unwound. Elsewhere: stack_trace_save().
 */
#if defined(CONFIG_X86_64) && defined(CONFIG_UNWINDER_ORC)
#include <asm/unwind.h>
#define PT_HAVE_REGS_WALK	1
#else
#define PT_HAVE_REGS_WALK	0
#endif

/*
 * arm64 unwinds frame records (AAPCS64: x29 points at {caller's x29,
 * return address}), and exports no way to start elsewhere. pagetrail
 * follows the chain itself from the tracepoint probe's own record, on the
 * task stack only, as the kernel's unwinder does (arch/arm64/kernel/
 * stacktrace.c): strip the return address's PAC, stop at the final record,
 * and step over an exception's pt_regs where 6.13+ marks them with a
 * metadata record ({0, 0} + type); before 6.13 their record holds the
 * interrupted x29 and pc and needs nothing. Where the kernel would fix up
 * a return address (a function-graph or kretprobe/rethook trampoline in
 * place of it) the walk is not used: see pt_stack_rewritten().
 */
#ifdef CONFIG_ARM64
#include <linux/llist.h>
#include <linux/sched/task_stack.h>
#include <asm/ptrace.h>
#define PT_HAVE_FRAME_WALK	1

#ifdef ptrauth_strip_kernel_insn_pac			/* 6.4+ */
#define pt_strip_pac(pc)	ptrauth_strip_kernel_insn_pac(pc)
#else
#define pt_strip_pac(pc)	ptrauth_strip_insn_pac(pc)
#endif

#ifdef FRAME_META_TYPE_PT_REGS				/* 6.13+ */
#define PT_FRAME_META_PT_REGS	FRAME_META_TYPE_PT_REGS
#define PT_REGS_FRAME_OFFSET	offsetof(struct pt_regs, stackframe.record)
#else
#define PT_FRAME_META_PT_REGS	(-1UL)	/* no metadata records */
#define PT_REGS_FRAME_OFFSET	offsetof(struct pt_regs, stackframe)
#endif

/*
 * Whether a return address on the current stack may have been replaced
 * by a trampoline: the function-graph tracer has a return stack for the
 * task (kept once it ran), or a kretprobe or rethook is pending on it.
 */
static __always_inline bool pt_stack_rewritten(void)
{
#ifdef CONFIG_FUNCTION_GRAPH_TRACER
	if (READ_ONCE(current->ret_stack))
		return true;
#endif
#ifdef CONFIG_KRETPROBES
	if (!llist_empty(&current->kretprobe_instances))
		return true;
#endif
#ifdef CONFIG_RETHOOK
	if (!llist_empty(&current->rethooks))
		return true;
#endif
	return false;
}
#else
#define PT_HAVE_FRAME_WALK	0
#endif

/* ---- timers, for the test modules ---- */

/* hrtimer_setup() replaced hrtimer_init() + ->function in 6.13. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void pt_hrtimer_setup(struct hrtimer *t,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(t, clock, mode);
	t->function = fn;
}
#else
#define pt_hrtimer_setup(t, fn, clock, mode)	hrtimer_setup(t, fn, clock, mode)
#endif

/* timer_delete_sync() since 6.2; del_timer_sync() gone in 6.15. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define timer_delete_sync(t)	del_timer_sync(t)
#endif

/* ---- KUnit: the pure logic the tests in tests/kunit call ---- */

/*
 * <kunit/visibility.h> came with 6.1; before, export plainly. 6.13 made
 * symbol namespaces strings.
 */
#if __has_include("kunit/visibility.h")
#include <kunit/visibility.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define PT_KUNIT_IMPORT_NS()	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define PT_KUNIT_IMPORT_NS()	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif
#else							/* 5.15 */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_KUNIT(sym)	EXPORT_SYMBOL_GPL(sym)
#else
/* Nothing exported; the argument is still checked to exist. */
#define EXPORT_SYMBOL_IF_KUNIT(sym)	static_assert(__same_type(sym, sym))
#endif
#define PT_KUNIT_IMPORT_NS()
#endif

/* ---- frames a stack is trimmed of ---- */

/*
 * Page-allocator functions between a hook and the allocation API, with the
 * kernel range that has them. A stack starts after the leading run of
 * these (see capture.c). The guest tests read this list from here: keep one
 * quoted name per entry and the PT_FRAMES_* markers.
 */
/* PT_FRAMES_INTERNAL_BEGIN */
static const char *const pt_internal_funcs[] = {
	/* allocation */
	"get_page_from_freelist",		/* all */
	"prep_new_page",			/* all */
	"post_alloc_hook",			/* all */
	"__alloc_pages_slowpath",		/* all */
	"__alloc_pages_direct_compact",		/* all */
	"__alloc_pages_direct_reclaim",		/* all */
	"__alloc_pages_may_oom",		/* all */
	"__alloc_pages_cpuset_fallback",	/* all */
	"alloc_pages_preferred_many",		/* all, NUMA */
	"alloc_pages_mpol",			/* 6.7+ NUMA (6.10-6.14: _noprof) */
	"alloc_pages_mpol_noprof",		/* 6.10 - 6.14, NUMA */
	"__alloc_frozen_pages_noprof",		/* 6.15+ */
	"alloc_frozen_pages_noprof",		/* 6.15+ */
	/* free */
	"free_pages_prepare",			/* all */
	"__free_pages_ok",			/* all */
	"free_the_page",			/* 5.15 - 6.9 */
	"free_unref_page",			/* 5.15 - 6.14 */
	"free_unref_page_prepare",		/* 5.15 - 6.9 */
	"free_unref_page_list",			/* 5.15 - 6.9 */
	"free_pcp_prepare",			/* 5.15 - 6.3 */
	"free_unref_folios",			/* 6.10+ */
	"free_frozen_pages",			/* 6.15+ */
	"__free_frozen_pages",			/* 6.15+ */
	"___free_pages",			/* 6.13+ */
	/* tracepoint, ftrace and kprobe glue */
	"__traceiter_mm_page_alloc", "__traceiter_mm_page_free",
	"ftrace_trampoline", "ftrace_caller", "ftrace_regs_caller",
	"ftrace_call", "ftrace_regs_call", "ftrace_ops_assist_func",
	"ftrace_ops_list_func", "arch_ftrace_ops_list_func",
	"kprobe_ftrace_handler", "pre_handler_kretprobe",
	"kretprobe_rethook_handler", "rethook_trampoline_handler",
	"arch_rethook_trampoline", "arch_rethook_trampoline_callback",
	"__kretprobe_trampoline", "trampoline_handler",
	"kretprobe_trampoline", "__kretprobe_trampoline_handler",
	"ftrace_graph_func", "function_graph_enter",
	/* arm64 kprobes are BRK exceptions */
	"el1h_64_sync", "el1h_64_sync_handler",
	"el1_dbg", "do_debug_exception", "brk_handler",	/* 5.15 - 6.6 */
	"call_break_hook", "kprobe_breakpoint_handler",	/* 5.15 - 6.6 */
	"el1_brk64", "do_el1_brk64", "call_el1_break_hook",	/* 6.12+ */
	"kprobe_brk_handler",					/* 6.12+ */
	"kprobe_handler",
};
/* PT_FRAMES_INTERNAL_END */

/*
 * Allocation and free APIs that call one another (alloc_pages_exact() ->
 * __get_free_pages() -> alloc_pages() -> __alloc_pages()): of a leading
 * run of these, a stack keeps only the outermost, the one its caller
 * called.
 */
/* PT_FRAMES_API_BEGIN */
static const char *const pt_api_funcs[] = {
	"__alloc_pages",			/* 5.15 - 6.9 */
	"__alloc_pages_noprof",			/* 6.10+ */
	"alloc_pages",				/* 5.15 - 6.9 */
	"alloc_pages_noprof",			/* 6.10+ */
	"alloc_pages_vma",			/* 5.15 - 6.0 */
	"vma_alloc_folio",			/* 6.1 - 6.9 */
	"vma_alloc_folio_noprof",		/* 6.10+ */
	"folio_alloc_mpol",			/* 6.7 - 6.9, 6.15+ */
	"folio_alloc_mpol_noprof",		/* 6.10+ */
	"__folio_alloc",			/* 5.16 - 6.9 */
	"__folio_alloc_noprof",			/* 6.10+ */
	"folio_alloc",				/* 5.16 - 6.9 */
	"folio_alloc_noprof",			/* 6.10+ */
	"__get_free_pages",			/* 5.15 - 6.9 */
	"get_free_pages_noprof",		/* 6.10+ */
	"get_zeroed_page",			/* 5.15 - 6.9 */
	"get_zeroed_page_noprof",		/* 6.10+ */
	"alloc_pages_exact",			/* 5.15 - 6.9 */
	"alloc_pages_exact_noprof",		/* 6.10+ */
	"alloc_pages_bulk_noprof",		/* 6.10+ */
	"__alloc_pages_bulk",			/* 5.13 - 6.9 */
	"__free_pages",				/* all */
	"free_pages",				/* all */
	"free_pages_exact",			/* all */
	"__put_page",				/* 5.15 - 6.2 */
	"__folio_put",				/* 5.16+ */
	"release_pages",			/* all */
	"folios_put_refs",			/* 6.8+ */
	/* slab's large kmalloc, straight from the page allocator */
	"kmalloc_order",			/* 5.15 - 6.0 */
	"kmalloc_order_trace",			/* 5.15 - 6.0 */
	"kmalloc_large",			/* 5.15 - 6.9 */
	"kmalloc_large_node",			/* 6.1 - 6.9 */
	"__kmalloc_large_node",			/* 6.1 - 6.9 */
	"___kmalloc_large_node",		/* 6.10+ */
	"__kmalloc_large_node_noprof",		/* 6.10+ */
	"__kmalloc_large_noprof",		/* 6.10+ */
	"kmalloc_large_noprof",			/* 6.10+ */
	"kmalloc_large_node_noprof",		/* 6.10+ */
	"free_large_kmalloc",			/* 6.1+ */
	"kfree",				/* all */
	/* vmalloc */
	"vfree",				/* all */
	"__vfree",				/* 5.15 - 6.2 */
	"__vunmap",				/* 5.15 - 6.2: vfree() tail-calls it */
	"vfree_atomic",				/* all */
};
/* PT_FRAMES_API_END */

#endif /* _PAGETRAIL_COMPAT_H */
