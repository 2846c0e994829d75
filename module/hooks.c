// SPDX-License-Identifier: GPL-2.0
/*
 * The page-allocator hooks: their handlers, and which of them to attach on
 * the running kernel. Inlining differs between kernels and configs (a 6.12
 * KASAN build inlines prep_new_page(); order-0 frees bypass
 * __free_pages_ok()), so for each side (alloc, free) we try hook sets in
 * order of preference and keep the first one the coverage self-test proves
 * complete.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include <linux/tracepoint.h>

#include "pagetrail.h"
#include "compat.h"

/* ==== Recording ==== */

/* Events get who and when: mode=full or history on. */
static DEFINE_STATIC_KEY_FALSE(pt_stamp_key);

/*
 * Record one event for @n pages from @pfn on, each carrying @order.
 * Preemption disabled.
 */
static void pt_store_run(unsigned long pfn, unsigned long n,
			 unsigned int order, enum pt_kind kind,
			 depot_stack_handle_t handle)
{
	struct pt_stamp st = { };

	/* Who and when: for mode=full's records and for the history. */
	if (static_branch_likely(&pt_stamp_key)) {
		/* The task first: a slot it claims must not be newer. */
		st.task = pt_task_id();
		st.ts = local_clock();
	}
	pt_table_record_run(pfn, n, order, kind, handle, &st);
	if (static_branch_likely(&pt_history_key))
		pt_history_add(pfn, n, order, kind, handle, &st);
	pt_count(kind == PT_ALLOC ? PT_CTR_ALLOC_EVENTS : PT_CTR_FREE_EVENTS);
	if (pt_coverage_current() && in_task())
		pt_coverage_note(pfn, order, kind);
}

/* Record a block's event in the table. Between pt_enter() and pt_leave(). */
static void pt_store(struct page *page, unsigned int order, enum pt_kind kind,
		     depot_stack_handle_t handle)
{
	pt_store_run(page_to_pfn(page), 1UL << order, order, kind, handle);
}

/* Where a capture starts unwinding. */
enum pt_walk_from {
	PT_WALK_HERE,		/* the handler: stack_trace_save() */
	PT_WALK_CALLER,		/* the kernel function that called it */
};

/*
 * Save the current stack, trimmed to the allocation API, in stackdepot.
 * Inlined, like pt_record(), into each handler: every frame between the
 * unwinder and the allocator costs an unwind step on every event. With
 * PT_WALK_CALLER (a tracepoint probe, called by the allocator itself) and
 * where the kernel can walk from registers (x86_64) or pagetrail can
 * follow frame records (arm64, on the task stack), the walk starts at the
 * handler's return address, in the frame the handler returns to: the
 * unwinder's own, stack_trace_save()'s and the handler's frames are never
 * unwound.
 */
static __always_inline depot_stack_handle_t
pt_capture(unsigned int *trim_hint, gfp_t gfp, enum pt_kind kind,
	   enum pt_walk_from from)
{
	unsigned int len;
	unsigned long *e = pt_capture_buf(trim_hint, &len);

#if PT_HAVE_REGS_WALK
	if (from == PT_WALK_CALLER) {
		/* The handler's frame: saved frame pointer, return address. */
		unsigned long *frame = __builtin_frame_address(0);
		struct pt_regs regs = {
			.ip = (unsigned long)__builtin_return_address(0),
			.sp = (unsigned long)(frame + 2),
			.bp = frame[0],
		};
		int first;

		len = pt_walk_regs(&regs, e, &first);
		return pt_capture_finish(trim_hint, len, first, gfp, kind, 0,
					 0);
	}
#elif PT_HAVE_FRAME_WALK
	if (from == PT_WALK_CALLER) {
		/* The handler's frame record: its return address is first. */
		unsigned long fp = (unsigned long)__builtin_frame_address(0);
		unsigned int n;
		int first;

		n = pt_walk_frames(fp, e, &first);
		if (n)
			return pt_capture_finish(trim_hint, n, first, gfp,
						 kind, 0, 0);
		pt_count(PT_CTR_KERNEL_WALKS);
	}
#endif
	return pt_capture_finish(trim_hint, stack_trace_save(e, len, 0), -1,
				 gfp, kind, 0, 0);
}

/*
 * The same from a kprobe at @regs' function entry, where the unwinder may
 * miss the caller (see pt_kprobe_entry_caller()).
 */
static __always_inline depot_stack_handle_t
pt_capture_entry(unsigned int *trim_hint, gfp_t gfp, struct pt_regs *regs,
		 unsigned long caller)
{
	unsigned int len;
	unsigned long *e = pt_capture_buf(trim_hint, &len);

	/* From the probed function's entry: the kprobe's frames skipped. */
	if (PT_HAVE_REGS_WALK) {
		int first;

		len = pt_walk_regs(regs, e, &first);
		return pt_capture_finish(trim_hint, len, first, gfp, PT_ALLOC,
					 0, 0);
	}
	/* One slot for the caller, should the unwinder have skipped it. */
	return pt_capture_finish(trim_hint,
				 stack_trace_save(e, len - !!caller, 0), -1,
				 gfp, PT_ALLOC, instruction_pointer(regs),
				 caller);
}

/*
 * Re-entered (stackdepot allocating a pool page during a capture): keep
 * the page's state right, without a stack. An NMI never allocates pages.
 */
static noinline void pt_record_unsaved(struct page *page, unsigned int order,
				       enum pt_kind kind)
{
	if (in_nmi())
		return;
	preempt_disable_notrace();
	pt_store(page, order, kind, pt_depot_save(NULL, 0, 0, kind));
	preempt_enable_notrace();
}

/* The common path of every single-page hook. */
static __always_inline void pt_record(struct page *page, unsigned int order,
				      gfp_t gfp, enum pt_kind kind,
				      unsigned int *trim_hint,
				      enum pt_walk_from from)
{
	if (!pt_recording() || !page)
		return;
	if (!pt_enter()) {
		pt_record_unsaved(page, order, kind);
		return;
	}
	pt_store(page, order, kind, pt_capture(trim_hint, gfp, kind, from));
	pt_leave();
}

/* ==== Hook sets ==== */

#define PT_SET_HOOKS	3	/* most hooks in one set */
#define PT_MISSING_LEN	128	/* "bulk, vmalloc, ...": the paths a set misses */

struct pt_hook_set {
	const char *name;
	struct pt_hook *hooks[PT_SET_HOOKS];
	int covered;			/* self-test paths covered, -1: untried */
	char missing[PT_MISSING_LEN];
};

struct pt_side {
	const char *name;
	enum pt_kind kind;
	struct pt_hook_set *sets;
	int nr_sets;
	struct pt_hook_set *chosen;
};

/* ==== Handlers ==== */

/* Per hook: how many frames its stacks need trimmed (see pt_capture_buf()). */
static unsigned int pt_hint_tp_alloc = PT_TRIM_HINT_INIT;
static unsigned int pt_hint_tp_free = PT_TRIM_HINT_INIT;
static unsigned int pt_hint_ft_alloc = PT_TRIM_HINT_INIT;
static unsigned int pt_hint_ft_free = PT_TRIM_HINT_INIT;
static unsigned int pt_hint_bulk = PT_TRIM_HINT_INIT;

/*
 * When the bulk allocator falls back to __alloc_pages() for one page,
 * mm_page_alloc records that page inside the bulk call. pt_tp_alloc()
 * leaves every order-0 page it sees here, per CPU and context, with the
 * time, so that pt_bulk_ret() can tell that page from those taken off the
 * per-cpu lists: only an entry of this task newer than the call's start
 * is the fallback page. One left on another CPU by a task that migrated
 * is not found: the page is then recorded twice, which is harmless.
 */
struct pt_tp_last {
	struct task_struct *task;
	unsigned long pfn;
	u64 time;
};
static DEFINE_PER_CPU(struct pt_tp_last[PT_CONTEXTS], pt_tp_last);

static void pt_tp_alloc(void *data, struct page *page, unsigned int order,
			gfp_t gfp, int migratetype)
{
	/* enabled=0: nothing at all on the allocation path. */
	if (!pt_recording())
		return;
	if (page && !order) {
		struct pt_tp_last *l =
			this_cpu_ptr(&pt_tp_last[pt_context_level()]);

		l->task = current;
		l->pfn = page_to_pfn(page);
		l->time = ktime_get_mono_fast_ns();
	}
	pt_record(page, order, gfp, PT_ALLOC, &pt_hint_tp_alloc,
		  PT_WALK_CALLER);
}

static void pt_tp_free(void *data, struct page *page, unsigned int order)
{
	pt_record(page, order, 0, PT_FREE, &pt_hint_tp_free, PT_WALK_CALLER);
}

/*
 * prep_new_page(page, order, gfp, alloc_flags), post_alloc_hook(page, order,
 * gfp). The bulk allocator and compaction call them with the per-cpu list
 * or zone lock held: whatever the gfp, stackdepot must not allocate here.
 */
static void notrace pt_ft_alloc(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	pt_record((struct page *)pt_ftrace_arg(fregs, 0),
		  pt_ftrace_arg(fregs, 1), 0, PT_ALLOC, &pt_hint_ft_alloc,
		  PT_WALK_HERE);
}

/* __free_pages_ok(page, order, fpi), free_unref_page/free_frozen_pages(page, order) */
static void notrace pt_ft_free(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	pt_record((struct page *)pt_ftrace_arg(fregs, 0),
		  pt_ftrace_arg(fregs, 1), 0, PT_FREE, &pt_hint_ft_free,
		  PT_WALK_HERE);
}

/*
 * folio_migrate_flags(newfolio, folio): the new pages take the old ones'
 * records (page_owner copies its owner here too). No stack is captured.
 */
static void notrace pt_ft_migrate(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	struct page *new = (struct page *)pt_ftrace_arg(fregs, 0);
	struct page *old = (struct page *)pt_ftrace_arg(fregs, 1);

	if (!pt_recording() || !new || !old)
		return;
	preempt_disable_notrace();
	pt_table_copy(page_to_pfn(old), page_to_pfn(new), compound_nr(new));
	preempt_enable_notrace();
}

/*
 * The bulk allocator fills a list or an array; record what it added. The
 * stack is taken at entry: from the return handler, 5.15's x86 unwinder
 * cannot get past the kretprobe trampoline. An array may have holes: the
 * allocator fills only the empty slots, so the entry notes which slots
 * after the first empty one were already filled.
 */
#define PT_BULK_SLOTS_SEEN	256	/* slots after the first empty one */

struct pt_bulk_call {
	gfp_t gfp;
	int nr_pages;
	int first;			/* first array slot that was empty */
	bool recording;
	bool filled_beyond;		/* a filled slot past the bitmap */
	u64 start;			/* ktime_get_mono_fast_ns() at entry */
	depot_stack_handle_t handle;
	struct list_head *list;
	struct page **array;
	DECLARE_BITMAP(filled, PT_BULK_SLOTS_SEEN);
};

static void pt_bulk_note_filled(struct pt_bulk_call *c)
{
	int i;

	bitmap_zero(c->filled, PT_BULK_SLOTS_SEEN);
	c->filled_beyond = false;
	for (i = c->first; i < c->nr_pages; i++) {
		if (!c->array[i])
			continue;
		if (i - c->first < PT_BULK_SLOTS_SEEN)
			__set_bit(i - c->first, c->filled);
		else
			c->filled_beyond = true;
	}
}

static int pt_bulk_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pt_bulk_call *c = (struct pt_bulk_call *)ri->data;

	c->recording = pt_recording();
	if (!c->recording)
		return 0;
	c->start = ktime_get_mono_fast_ns();
	c->gfp = regs_get_kernel_argument(regs, 0);
	c->nr_pages = regs_get_kernel_argument(regs, PT_BULK_ARG_NR);
	c->list = PT_BULK_ARG_LIST < 0 ? NULL : (struct list_head *)
		  regs_get_kernel_argument(regs, PT_BULK_ARG_LIST);
	c->array = (struct page **)
		   regs_get_kernel_argument(regs, PT_BULK_ARG_ARRAY);
	c->first = 0;
	if (c->array) {
		while (c->first < c->nr_pages && c->array[c->first])
			c->first++;
		pt_bulk_note_filled(c);
	}
	if (!pt_enter()) {
		/* Re-entered: record the pages, without a stack. */
		c->recording = !in_nmi();
		c->handle = pt_depot_save(NULL, 0, 0, PT_ALLOC);
		return 0;
	}
	c->handle = pt_capture_entry(&pt_hint_bulk, c->gfp, regs,
				     pt_kprobe_entry_caller(regs));
	pt_leave();
	return 0;
}

/* @fallback: the pfn mm_page_alloc recorded during the call, if any. */
static void pt_bulk_store(struct page *page, depot_stack_handle_t h,
			  unsigned long fallback)
{
	if (!page)
		return;
	if (page_to_pfn(page) == fallback) {
		pt_count(PT_CTR_DEDUP);
		return;
	}
	pt_store(page, 0, PT_ALLOC, h);
}

enum pt_slot_was { PT_SLOT_EMPTY, PT_SLOT_FILLED, PT_SLOT_UNSURE };

/* What array slot @i held when the call began. */
static enum pt_slot_was pt_bulk_slot_was(struct pt_bulk_call *c,
					 unsigned long i)
{
	i -= c->first;
	if (i < PT_BULK_SLOTS_SEEN)
		return test_bit(i, c->filled) ? PT_SLOT_FILLED : PT_SLOT_EMPTY;
	return c->filled_beyond ? PT_SLOT_UNSURE : PT_SLOT_EMPTY;
}

static int pt_bulk_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pt_bulk_call *c = (struct pt_bulk_call *)ri->data;
	unsigned long nr = regs_return_value(regs), added = nr;
	unsigned long fallback = ULONG_MAX;
	struct pt_tp_last *l;
	struct page *page;
	unsigned long i;

	if (!c->recording || !nr)
		return 0;
	preempt_disable_notrace();
	if (c->array) {
		added = 0;
		for (i = c->first; i < nr && i < c->nr_pages; i++)
			added += pt_bulk_slot_was(c, i) == PT_SLOT_EMPTY &&
				 c->array[i];
	}
	/* The allocator falls back only for a call that adds one page. */
	l = this_cpu_ptr(&pt_tp_last[pt_context_level()]);
	if (added == 1 && l->task == current && l->time >= c->start)
		fallback = l->pfn;
	if (c->array) {
		for (i = c->first; i < nr && i < c->nr_pages; i++) {
			switch (pt_bulk_slot_was(c, i)) {
			case PT_SLOT_EMPTY:
				pt_bulk_store(c->array[i], c->handle, fallback);
				break;
			case PT_SLOT_UNSURE:
				/* Leave the page's record as it is. */
				pt_count(PT_CTR_BULK_UNSURE);
				break;
			case PT_SLOT_FILLED:
				break;
			}
		}
	} else if (c->list) {
		/* New pages are added at the head; nr counts only those. */
		i = 0;
		list_for_each_entry(page, c->list, lru) {
			if (i++ >= nr)
				break;
			pt_bulk_store(page, c->handle, fallback);
		}
	}
	preempt_enable_notrace();
	return 0;
}

/*
 * alloc_contig_range(start, end, ..., gfp): CMA and gigantic folios take
 * their pages off the free lists without mm_page_alloc. Record the range
 * once it is the caller's: order-0 pages, or one compound block.
 */
struct pt_contig_call {
	unsigned long start, end;
	gfp_t gfp;
	bool recording;
	depot_stack_handle_t handle;
};

static unsigned int pt_hint_contig = PT_TRIM_HINT_INIT;

static int pt_contig_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct pt_contig_call *c = (struct pt_contig_call *)ri->data;

	c->recording = pt_recording() && !in_nmi();
	if (!c->recording)
		return 0;
	c->start = regs_get_kernel_argument(regs, 0);
	c->end = regs_get_kernel_argument(regs, 1);
	c->gfp = regs_get_kernel_argument(regs, PT_CONTIG_ARG_GFP);
	if (!pt_enter()) {
		c->handle = pt_depot_save(NULL, 0, 0, PT_ALLOC);
		return 0;
	}
	c->handle = pt_capture_entry(&pt_hint_contig, c->gfp, regs,
				     pt_kprobe_entry_caller(regs));
	pt_leave();
	return 0;
}

static int pt_contig_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pt_contig_call *c = (struct pt_contig_call *)ri->data;
	unsigned long nr = c->end - c->start;

	if (!c->recording || regs_return_value(regs) || c->end <= c->start)
		return 0;
	preempt_disable_notrace();
	if ((c->gfp & __GFP_COMP) && is_power_of_2(nr))
		pt_store_run(c->start, nr, ilog2(nr), PT_ALLOC, c->handle);
	else
		pt_store_run(c->start, nr, 0, PT_ALLOC, c->handle);
	preempt_enable_notrace();
	return 0;
}

/*
 * compaction_alloc() and alloc_migration_target() hand out the pages a
 * migration fills. Their own allocation record (none, for compaction;
 * the migration's stack, for the other) is not the owner's: mark them
 * "moved here, owner unknown". For an LRU folio folio_migrate_flags()
 * then copies the owner's record in; a folio migrated through its
 * movable_ops (zsmalloc, balloon) keeps the mark.
 */
static int pt_target_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct page *page = (struct page *)regs_return_value(regs);

	if (!page || !pt_recording() || in_nmi())
		return 0;
	preempt_disable_notrace();
	pt_store_run(page_to_pfn(page), compound_nr(page), compound_order(page),
		     PT_ALLOC, pt_depot_moved_handle());
	preempt_enable_notrace();
	return 0;
}

static struct pt_hook pt_h_tp_alloc = PT_TP_HOOK("mm_page_alloc", pt_tp_alloc);
static struct pt_hook pt_h_tp_free = PT_TP_HOOK("mm_page_free", pt_tp_free);
/* Under the allocator's locks: see pt_ft_alloc(). */
#define PT_FT_ALLOC_HOOK(t) \
	{ .type = PT_HOOK_FTRACE, .target = t, .ftrace_func = pt_ft_alloc, \
	  .needs_nolock_depot = true }

static struct pt_hook pt_h_ft_prep = PT_FT_ALLOC_HOOK("prep_new_page");
static struct pt_hook pt_h_ft_post = PT_FT_ALLOC_HOOK("post_alloc_hook");
static struct pt_hook pt_h_ft_free_ok = PT_FT_HOOK("__free_pages_ok", pt_ft_free);
static struct pt_hook pt_h_ft_free_unref = PT_FT_HOOK(PT_FREE_UNREF_FUNC,
						      pt_ft_free);
static struct pt_hook pt_h_kr_bulk = {
	.type = PT_HOOK_KRETPROBE, .target = PT_BULK_FUNC_NAME,
	.entry = pt_bulk_entry, .ret = pt_bulk_ret,
	.data_size = sizeof(struct pt_bulk_call),
	.unavailable = PT_BULK_LAYOUT_KNOWN ? NULL :
		"unknown argument layout of " PT_BULK_FUNC_NAME,
};
static struct pt_hook pt_h_ft_migrate = PT_FT_HOOK(PT_MIGRATE_FUNC,
						   pt_ft_migrate);
#define PT_TARGET_HOOK(t) \
	{ .type = PT_HOOK_KRETPROBE, .target = t, .ret = pt_target_ret, \
	  .unavailable = IS_ENABLED(CONFIG_MIGRATION) ? NULL : \
		"no CONFIG_MIGRATION" }

static struct pt_hook pt_h_kr_compaction_target =
	PT_TARGET_HOOK("compaction_alloc");
static struct pt_hook pt_h_kr_migration_target =
	PT_TARGET_HOOK("alloc_migration_target");
static struct pt_hook pt_h_kr_contig = {
	.type = PT_HOOK_KRETPROBE, .target = PT_CONTIG_FUNC_NAME,
	.entry = pt_contig_entry, .ret = pt_contig_ret,
	.data_size = sizeof(struct pt_contig_call),
	.unavailable = IS_ENABLED(CONFIG_CONTIG_ALLOC) ? NULL :
		"no CONFIG_CONTIG_ALLOC",
};

/* Preferred first. A set is kept only if the self-test finds it complete. */
static struct pt_hook_set pt_alloc_sets[] = {
	{ "ftrace prep_new_page", { &pt_h_ft_prep } },
	{ "ftrace post_alloc_hook", { &pt_h_ft_post } },
	{ "tracepoint mm_page_alloc + kretprobe bulk",
	  { &pt_h_tp_alloc, &pt_h_kr_bulk } },
};

static struct pt_hook_set pt_free_sets[] = {
	/* free_pages_prepare() emits it on every free path; it is cheapest. */
	{ "tracepoint mm_page_free", { &pt_h_tp_free } },
	{ "ftrace __free_pages_ok + " PT_FREE_UNREF_FUNC,
	  { &pt_h_ft_free_ok, &pt_h_ft_free_unref } },
};

static struct pt_side pt_sides[] = {
	{ "free", PT_FREE, pt_free_sets, ARRAY_SIZE(pt_free_sets) },
	{ "alloc", PT_ALLOC, pt_alloc_sets, ARRAY_SIZE(pt_alloc_sets) },
};

static void pt_set_detach(struct pt_hook_set *s)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(s->hooks) && s->hooks[i]; i++)
		pt_hook_detach(s->hooks[i]);
}

static int pt_set_attach(struct pt_hook_set *s)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(s->hooks) && s->hooks[i]; i++) {
		ret = pt_hook_attach(s->hooks[i]);
		if (ret) {
			pt_set_detach(s);
			return ret;
		}
	}
	return 0;
}

/*
 * Which self-test paths the hooks of @side recorded; names the others in
 * @missing. A path that did not run (its allocation failed, e.g. an
 * order-3 allocation under fragmentation) proves nothing either way and is
 * not counted as missing. Return: the paths covered, 0 if none ran.
 */
static int pt_side_coverage(struct pt_side *side, char *missing, size_t len)
{
	int i, covered = 0;

	missing[0] = '\0';
	for (i = 0; i < PT_NR_PATHS; i++) {
		struct pt_coverage_result *r = &pt_coverage_results[i];
		bool ok = side->kind == PT_ALLOC ? r->alloc_ok : r->free_ok;

		if (!r->ran)
			continue;
		if (ok) {
			covered++;
			continue;
		}
		scnprintf(missing + strlen(missing), len - strlen(missing),
			  "%s%s", missing[0] ? ", " : "", r->path);
	}
	return covered;
}

static int pt_resolve(struct pt_side *side)
{
	struct pt_hook_set *best = NULL;
	int i;

	for (i = 0; i < side->nr_sets; i++)
		side->sets[i].covered = -1;
	for (i = 0; i < side->nr_sets; i++) {
		struct pt_hook_set *s = &side->sets[i];

		if (pt_set_attach(s))
			continue;
		pt_coverage_run(pt_h_kr_contig.attached);
		s->covered = pt_side_coverage(side, s->missing,
					      sizeof(s->missing));
		if (s->covered > 0 && !s->missing[0]) {
			side->chosen = s;
			return 0;
		}
		pt_set_detach(s);
		pt_table_clear();
		pt_leaks_reset();
		if (!best || s->covered > best->covered)
			best = s;
	}
	/* Not -ENOENT: insmod would print "Unknown symbol in module". */
	if (!best) {
		pr_err("no %s hook could be attached: see the reasons above; the kernel needs tracepoints, kprobes or ftrace for the page allocator\n",
		       side->name);
		return -EOPNOTSUPP;
	}
	if (!best->missing[0]) {
		pr_err("%s: no self-test path could run: its allocations failed\n",
		       side->name);
		return -ENOMEM;
	}
	if (!pt_allow_partial) {
		pr_err("%s via %s is not recorded by any hook set (best: %s); load with allow_partial=1 to load anyway\n",
		       side->name, best->missing, best->name);
		return -EOPNOTSUPP;
	}
	pr_warn("allow_partial: %s via %s will not be recorded\n",
		side->name, best->missing);
	if (pt_set_attach(best)) {
		pr_err("%s: the hook set %s no longer attaches\n", side->name,
		       best->name);
		return -EOPNOTSUPP;
	}
	side->chosen = best;
	return 0;
}

/* ==== Choosing at load ==== */

/**
 * pt_hooks_init - attach, per side, the first hook set the self-test proves
 *
 * Context: Process context, at load; sleeps.
 * Return: 0, -EOPNOTSUPP if no set attaches or covers every path (see
 * allow_partial), -ENOMEM if the self-test could not allocate.
 */
int pt_hooks_init(void)
{
	int i, ret;

	if (pt_table_keeps_stamps() || static_key_enabled(&pt_history_key))
		static_branch_enable(&pt_stamp_key);
	/* Whatever set is chosen: the contiguous-range allocator. */
	if (pt_hook_attach(&pt_h_kr_contig))
		pr_warn("%s not traceable: CMA and gigantic pages will read as free\n",
			PT_CONTIG_FUNC_NAME);
	for (i = 0; i < ARRAY_SIZE(pt_sides); i++) {
		ret = pt_resolve(&pt_sides[i]);
		if (ret) {
			pt_hooks_exit();
			return ret;
		}
	}
	/*
	 * Migration moves records; without it a migrated page reads as
	 * free. Not proven by the self-test: nothing migrates on demand.
	 */
	if (pt_hook_attach(&pt_h_ft_migrate))
		pr_warn("%s not traceable: migrated pages will read as free\n",
			PT_MIGRATE_FUNC);
	pt_hook_attach(&pt_h_kr_compaction_target);
	pt_hook_attach(&pt_h_kr_migration_target);
	/* Final run, with everything attached, for the "hooks" file. */
	pt_coverage_run(pt_h_kr_contig.attached);
	return 0;
}

/**
 * pt_hooks_exit - detach the allocator hooks
 *
 * Description: Returns once no handler runs any more.
 *
 * Context: Process context; sleeps.
 */
void pt_hooks_exit(void)
{
	int i;

	pt_hook_detach(&pt_h_kr_migration_target);
	pt_hook_detach(&pt_h_kr_compaction_target);
	pt_hook_detach(&pt_h_ft_migrate);
	pt_hook_detach(&pt_h_kr_contig);
	for (i = 0; i < ARRAY_SIZE(pt_sides); i++) {
		if (pt_sides[i].chosen)
			pt_set_detach(pt_sides[i].chosen);
		pt_sides[i].chosen = NULL;
	}
}

/**
 * pt_hooks_missed - allocator events the hooks lost
 *
 * Description: A kretprobe whose instances are all in use (more calls in
 * flight than maxactive) lets a call go unseen: its pages keep their old
 * records.
 *
 * Context: Any context.
 * Return: the calls of the kretprobe hooks missed since load.
 */
unsigned long pt_hooks_missed(void)
{
	static struct pt_hook *const kr[] = {
		&pt_h_kr_bulk, &pt_h_kr_contig, &pt_h_kr_compaction_target,
		&pt_h_kr_migration_target,
	};
	unsigned long missed = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(kr); i++) {
		if (kr[i]->attached)
			missed += READ_ONCE(kr[i]->rp.nmissed);
	}
	return missed;
}

/**
 * pt_hooks_show - the hook sets, their hooks and the self-test, for "hooks"
 * @m: the seq_file
 *
 * Context: Process context.
 */
void pt_hooks_show(struct seq_file *m)
{
	int i, j, k;

	for (i = 0; i < ARRAY_SIZE(pt_sides); i++) {
		struct pt_side *side = &pt_sides[i];

		for (j = 0; j < side->nr_sets; j++) {
			struct pt_hook_set *s = &side->sets[j];

			seq_printf(m, "%s set \"%s\": ", side->name, s->name);
			if (s == side->chosen)
				seq_puts(m, "chosen");
			else if (s->covered < 0)
				seq_puts(m, "not used");
			else if (!s->missing[0])
				seq_puts(m, "complete, not needed");
			else
				seq_printf(m, "rejected, misses %s", s->missing);
			seq_putc(m, '\n');
			for (k = 0; k < ARRAY_SIZE(s->hooks) && s->hooks[k]; k++) {
				seq_puts(m, "  ");
				pt_hook_show(m, s->hooks[k]);
			}
		}
	}
	seq_puts(m, "migrate: ");
	pt_hook_show(m, &pt_h_ft_migrate);
	seq_puts(m, "migrate: ");
	pt_hook_show(m, &pt_h_kr_compaction_target);
	seq_puts(m, "migrate: ");
	pt_hook_show(m, &pt_h_kr_migration_target);
	seq_puts(m, "contig: ");
	pt_hook_show(m, &pt_h_kr_contig);
	seq_puts(m, "selftest:\n");
	for (i = 0; i < PT_NR_PATHS; i++) {
		struct pt_coverage_result *r = &pt_coverage_results[i];

		if (!r->ran)
			seq_printf(m, "  %-18s not run (allocation failed, or events not all noted)\n",
				   r->path);
		else
			seq_printf(m, "  %-18s alloc %s  free %s\n", r->path,
				   r->alloc_ok ? "ok" : "MISSED",
				   r->free_ok ? "ok" : "MISSED");
	}
}
