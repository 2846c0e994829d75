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
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include <linux/tracepoint.h>

#include "pagetrail.h"
#include "compat.h"

/* ==== Recording ==== */

/* Record a block's event in the table. Between pt_enter() and pt_leave(). */
static void pt_store(struct page *page, unsigned int order, enum pt_kind kind,
		     depot_stack_handle_t handle)
{
	unsigned long pfn = page_to_pfn(page);

	pt_table_record(pfn, order, kind, handle);
	pt_count(kind == PT_ALLOC ? PT_CTR_ALLOC_EVENTS : PT_CTR_FREE_EVENTS);
	if (pt_coverage_current() && in_task())
		pt_coverage_note(pfn, order, kind);
}

/* Frames to trim in a hook's stacks, learnt per hook: see pt_capture_buf(). */
#define PT_TRIM_HINT_INIT	2

/*
 * Save the current stack, trimmed to the allocation API, in stackdepot.
 * Inlined, like pt_record(), into each handler: every frame between the
 * unwinder and the allocator costs an unwind step on every event.
 */
static __always_inline depot_stack_handle_t
pt_capture(unsigned int *trim_hint, gfp_t gfp, enum pt_kind kind)
{
	unsigned int len;
	unsigned long *e = pt_capture_buf(trim_hint, &len);

	return pt_capture_finish(trim_hint, stack_trace_save(e, len, 0), gfp,
				 kind, 0, 0);
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

	/* One slot for the caller, should the unwinder have skipped it. */
	return pt_capture_finish(trim_hint,
				 stack_trace_save(e, len - !!caller, 0),
				 gfp, PT_ALLOC, instruction_pointer(regs),
				 caller);
}

/* The common path of every single-page hook. */
static __always_inline void pt_record(struct page *page, unsigned int order,
				      gfp_t gfp, enum pt_kind kind,
				      unsigned int *trim_hint)
{
	if (!pt_recording() || !page || !pt_enter())
		return;
	pt_store(page, order, kind, pt_capture(trim_hint, gfp, kind));
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
 * leaves every order-0 page it sees here, per CPU and context, so that
 * pt_bulk_ret() can tell that page from those taken off the per-cpu lists.
 */
struct pt_tp_last {
	struct task_struct *task;
	unsigned long pfn;
};
static DEFINE_PER_CPU(struct pt_tp_last[PT_CONTEXTS], pt_tp_last);

static void pt_tp_alloc(void *data, struct page *page, unsigned int order,
			gfp_t gfp, int migratetype)
{
	if (page && !order) {
		struct pt_tp_last *l =
			this_cpu_ptr(&pt_tp_last[pt_context_level()]);

		l->task = current;
		l->pfn = page_to_pfn(page);
	}
	pt_record(page, order, gfp, PT_ALLOC, &pt_hint_tp_alloc);
}

static void pt_tp_free(void *data, struct page *page, unsigned int order)
{
	pt_record(page, order, 0, PT_FREE, &pt_hint_tp_free);
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
		  pt_ftrace_arg(fregs, 1), 0, PT_ALLOC, &pt_hint_ft_alloc);
}

/* __free_pages_ok(page, order, fpi), free_unref_page/free_frozen_pages(page, order) */
static void notrace pt_ft_free(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	pt_record((struct page *)pt_ftrace_arg(fregs, 0),
		  pt_ftrace_arg(fregs, 1), 0, PT_FREE, &pt_hint_ft_free);
}

/*
 * The bulk allocator fills a list or an array; record what it added. The
 * stack is taken at entry: from the return handler, 5.15's x86 unwinder
 * cannot get past the kretprobe trampoline.
 */
struct pt_bulk_call {
	gfp_t gfp;
	int nr_pages;
	int first;			/* first array slot that was empty */
	bool recording;
	depot_stack_handle_t handle;
	struct list_head *list;
	struct page **array;
};

static int pt_bulk_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pt_bulk_call *c = (struct pt_bulk_call *)ri->data;

	c->recording = pt_recording() && pt_enter();
	if (!c->recording)
		return 0;
	c->gfp = regs_get_kernel_argument(regs, 0);
	c->nr_pages = regs_get_kernel_argument(regs, PT_BULK_ARG_NR);
	c->list = PT_BULK_ARG_LIST < 0 ? NULL : (struct list_head *)
		  regs_get_kernel_argument(regs, PT_BULK_ARG_LIST);
	c->array = (struct page **)
		   regs_get_kernel_argument(regs, PT_BULK_ARG_ARRAY);
	c->first = 0;
	while (c->array && c->first < c->nr_pages && c->array[c->first])
		c->first++;
	/* Forget pages this task allocated before the call. */
	this_cpu_ptr(&pt_tp_last[pt_context_level()])->task = NULL;
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

static int pt_bulk_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pt_bulk_call *c = (struct pt_bulk_call *)ri->data;
	unsigned long nr = regs_return_value(regs);
	unsigned long fallback = ULONG_MAX;
	struct pt_tp_last *l;
	struct page *page;
	unsigned long i;

	if (!c->recording || !nr || !pt_enter())
		return 0;
	/*
	 * The allocator falls back to __alloc_pages() only when the call
	 * adds one page. If the task slept in the fallback and woke on
	 * another CPU, the entry here predates the call: the fallback page
	 * is then recorded twice, which is harmless.
	 */
	l = this_cpu_ptr(&pt_tp_last[pt_context_level()]);
	if (l->task == current && nr - (c->array ? c->first : 0) == 1)
		fallback = l->pfn;
	if (c->array) {
		for (i = c->first; i < nr && i < c->nr_pages; i++)
			pt_bulk_store(c->array[i], c->handle, fallback);
	} else if (c->list) {
		/* New pages are added at the head; nr counts only those. */
		i = 0;
		list_for_each_entry(page, c->list, lru) {
			if (i++ >= nr)
				break;
			pt_bulk_store(page, c->handle, fallback);
		}
	}
	pt_leave();
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

/* Which self-test paths the hooks of @side recorded; names the others. */
static int pt_side_coverage(struct pt_side *side, char *missing, size_t len)
{
	int i, covered = 0;

	missing[0] = '\0';
	for (i = 0; i < PT_NR_PATHS; i++) {
		struct pt_coverage_result *r = &pt_coverage_results[i];
		bool ok = side->kind == PT_ALLOC ? r->alloc_ok : r->free_ok;

		if (ok) {
			covered++;
			continue;
		}
		if (r->ran || side->kind == PT_ALLOC)
			scnprintf(missing + strlen(missing),
				  len - strlen(missing), "%s%s",
				  missing[0] ? ", " : "", r->path);
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
		pt_coverage_run();
		s->covered = pt_side_coverage(side, s->missing,
					      sizeof(s->missing));
		if (s->covered == PT_NR_PATHS) {
			side->chosen = s;
			return 0;
		}
		pt_set_detach(s);
		pt_table_clear();
		if (!best || s->covered > best->covered)
			best = s;
	}
	if (!best) {
		pr_err("no %s hook could be attached\n", side->name);
		return -ENOENT;
	}
	if (!pt_allow_partial) {
		pr_err("%s via %s is not recorded by any hook set (best: %s); load with allow_partial=1 to load anyway\n",
		       side->name, best->missing, best->name);
		return -EOPNOTSUPP;
	}
	pr_warn("allow_partial: %s via %s will not be recorded\n",
		side->name, best->missing);
	if (pt_set_attach(best))
		return -ENOENT;
	side->chosen = best;
	return 0;
}

/* ==== Choosing at load ==== */

/**
 * pt_hooks_init - attach, per side, the first hook set the self-test proves
 *
 * Context: Process context, at load; sleeps.
 * Return: 0, or -ENOENT/-EOPNOTSUPP if no set covers every path (see
 * allow_partial).
 */
int pt_hooks_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(pt_sides); i++) {
		ret = pt_resolve(&pt_sides[i]);
		if (ret) {
			pt_hooks_exit();
			return ret;
		}
	}
	/* Final run, with everything attached, for the "hooks" file. */
	pt_coverage_run();
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

	for (i = 0; i < ARRAY_SIZE(pt_sides); i++) {
		if (pt_sides[i].chosen)
			pt_set_detach(pt_sides[i].chosen);
		pt_sides[i].chosen = NULL;
	}
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
	seq_puts(m, "selftest:\n");
	for (i = 0; i < PT_NR_PATHS; i++) {
		struct pt_coverage_result *r = &pt_coverage_results[i];

		seq_printf(m, "  %-18s alloc %s  free %s\n", r->path,
			   r->alloc_ok ? "ok" : "MISSED",
			   !r->ran ? "n/a" : r->free_ok ? "ok" : "MISSED");
	}
}
