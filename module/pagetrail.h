/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagetrail: remembers, for every physical page, the stack that last
 * allocated it and the stack that last freed it, and prints both inside
 * KASAN (and KFENCE) reports.
 *
 * One event's way through the module:
 *
 *   page allocator                            KASAN / KFENCE report
 *        | tracepoint, ftrace, kretprobe            | error_report_end
 *        v                                          v
 *   hooks.c ---> capture.c ---> depot.c         report.c <--- resolve.c
 *   (handlers)   (unwind, trim)  (stackdepot)      ^         (address -> pfn,
 *        |                                         |          vfree ring)
 *        +---------> table.c (per-pfn records) ----+---> debugfs.c
 *                                                        (files: stats.c,
 *                                                         lookup, views.c)
 *
 * attach.c attaches any kind of hook; coverage.c proves at load which hook
 * set records every allocator path; stats.c counts; main.c holds the
 * parameters and the init order; compat.h every kernel-version difference.
 */
#ifndef _PAGETRAIL_H
#define _PAGETRAIL_H

#include <linux/types.h>
#include <linux/jump_label.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <asm/current.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>

struct dentry;
struct page;
struct seq_file;

enum pt_kind { PT_FREE = 0, PT_ALLOC = 1 };

#define PT_MAX_DEPTH	64

/* ---- parameters and switches (main.c) ---- */

/*
 * The .set of a load-time unsigned parameter in [@min, @max]: -EINVAL and
 * a one-line reason in the kernel log otherwise. (param_set_uint_minmax()
 * does the same, but is not on every GKI kernel's symbol list.)
 */
static inline int pt_param_set_range(const char *val,
				     const struct kernel_param *kp,
				     unsigned int min, unsigned int max)
{
	unsigned int v;

	if (!val || kstrtouint(val, 0, &v) || v < min || v > max) {
		pr_warn_ratelimited("%s: expected %u..%u, got '%.16s'\n",
				    kp->name, min, max, val ?: "");
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

extern bool pt_print_on_report;
extern bool pt_allow_partial;
extern unsigned int pt_depth;
extern unsigned int pt_sample;
#define PT_SAMPLE_MAX	65536

/*
 * An event sample= leaves out keeps the API frames and the API's caller,
 * and its stack ends with PT_CUT_MARK, which printing leaves out. Where
 * the kernel unwinds a fixed number of frames, it unwinds PT_CUT_UNWIND
 * past the hook's trim to find that caller.
 */
extern const char pt_cut_mark;
#define PT_CUT_MARK	((unsigned long)&pt_cut_mark)
#define PT_CUT_UNWIND	4

/* enabled=1: patched in and out by the "enabled" parameter. */
DECLARE_STATIC_KEY_TRUE(pt_enabled_key);

/* ---- counters (stats.c), per CPU: the hot path shares no cache line ---- */

enum pt_counter {
	PT_CTR_ALLOC_EVENTS,		/* allocations recorded */
	PT_CTR_FREE_EVENTS,		/* frees recorded */
	PT_CTR_NO_STACK,		/* recorded with the "not saved" stack */
	PT_CTR_RECURSION,		/* re-entered: recorded without a stack */
	PT_CTR_NMI,			/* skipped: NMI context */
	PT_CTR_DEDUP,			/* skipped: recorded by another hook */
	PT_CTR_UNTRACKED,		/* pfn outside the table */
	PT_CTR_DEPOT_NOLOCK_FAILED,	/* non-allocating save failed */
	PT_CTR_DEPOT_TOPUPS,		/* pools given to stackdepot later */
	PT_CTR_BULK_UNSURE,		/* bulk array page left unrecorded */
	PT_CTR_TASK_BUSY,		/* task not interned: slot busy */
	PT_CTR_STACKS_FULL,		/* pages not counted per stack */
	PT_CTR_KERNEL_WALKS,		/* own walk refused: kernel's unwinder */
	PT_CTR_SAMPLED_OUT,		/* sample=: cut after the API's caller */
	PT_NR_COUNTERS
};

DECLARE_PER_CPU(unsigned long [PT_NR_COUNTERS], pt_counters);

static __always_inline void pt_count(enum pt_counter c)
{
	this_cpu_inc(pt_counters[c]);
}

int pt_stats_show(struct seq_file *m, void *v);

/* ---- what the table gives back (table.c) ---- */

/* pt_event.order when there is no stack to show. */
#define PT_ORDER_NONE		(-1)	/* nothing recorded since load */
#define PT_ORDER_NOT_KEPT	(-2)	/* this mode does not keep it */
/* ... and for a block larger than the buddy allocator's (gigantic). */
#define PT_ORDER_BEYOND		(PT_MAX_PAGE_ORDER + 1)

/* Who and when: the task (tasks.c) and local_clock() of an event. */
struct pt_stamp {
	u64 ts;				/* 0: not known */
	u32 task;			/* 0: not known */
};

/* One recorded event: its stack and the order of its block. */
struct pt_event {
	depot_stack_handle_t handle;	/* no table flags; see depot.c */
	int order;			/* or PT_ORDER_NONE/NOT_KEPT */
	struct pt_stamp stamp;		/* mode=full; else 0 */
};

/* What the table knows about one pfn, the same in every mode. */
struct pt_view {
	struct pt_event alloc;		/* last allocation */
	struct pt_event free;		/* last free */
	bool allocated;			/* the latest event is an allocation */
};

static inline bool pt_event_recorded(const struct pt_event *e)
{
	return e->order >= 0;
}

static inline bool pt_view_empty(const struct pt_view *v)
{
	return !pt_event_recorded(&v->alloc) && !pt_event_recorded(&v->free);
}

/* The latest event of @v. */
static inline const struct pt_event *pt_view_latest(const struct pt_view *v)
{
	return v->allocated ? &v->alloc : &v->free;
}

int pt_table_init(void);
void pt_table_exit(void);
void pt_table_record_run(unsigned long pfn, unsigned long n,
			 unsigned int order, enum pt_kind kind,
			 depot_stack_handle_t handle, const struct pt_stamp *st);
bool pt_table_read(unsigned long pfn, struct pt_view *v);
void pt_table_copy(unsigned long from, unsigned long to, unsigned long nr);
int pt_table_check_layout(void);
unsigned long pt_table_next_run(unsigned long *pfn, struct pt_event *e);
bool pt_table_covers(unsigned long pfn);
void pt_table_clear(void);
unsigned long pt_table_bytes(void);
unsigned long pt_table_dir_bytes(void);
unsigned long pt_table_pages(void);
unsigned long pt_table_end_pfn(void);
unsigned int pt_table_entry_size(void);
const char *pt_table_mode(void);
bool pt_table_keeps_stamps(void);

/* A record as stored: pure encoding, exported to the KUnit tests. */
struct pt_rec {
	u32 word;	/* the handle, with the flags in its extra bits */
	u8 side;	/* 5.15, no extra bits: the flags; else 0 */
};
struct pt_rec pt_rec_encode(depot_stack_handle_t handle, unsigned int order,
			    bool allocated);
void pt_rec_decode(struct pt_rec r, struct pt_event *e, bool *allocated);

/* ---- who: interned tasks (tasks.c) ---- */

struct pt_task {
	pid_t pid;
	pid_t tgid;
	u64 since;			/* when its slot was claimed */
	char comm[TASK_COMM_LEN];
};

u32 pt_task_id(void);
bool pt_task_get(u32 id, u64 ts, struct pt_task *t);
unsigned long pt_tasks_bytes(void);
int pt_tasks_init(void);
void pt_tasks_exit(void);

/* ---- what happened before: the event history (history.c) ---- */

/* One event in the history: @nr pages from @pfn on. */
struct pt_past_event {
	u64 ts;			/* local_clock(); 0 while written */
	unsigned long pfn;
	u32 nr;
	u32 handle;		/* the stack, as the table keeps it */
	u32 task;		/* tasks.c id */
	u8 kind;
	u8 order;
};

#define PT_HISTORY_SHOW		8	/* events a report prints */

/* What the history holds for one pfn. */
struct pt_history {
	struct pt_past_event ev[PT_HISTORY_SHOW];	/* newest first */
	unsigned int shown;
	unsigned int allocs, frees;	/* all found, shown or not */
	u64 oldest;			/* time of the oldest found */
	u64 complete_since;		/* 0: no event since load is lost */
};

DECLARE_STATIC_KEY_FALSE(pt_history_key);
void pt_history_add(unsigned long pfn, unsigned long n, unsigned int order,
		    enum pt_kind kind, depot_stack_handle_t handle,
		    const struct pt_stamp *st);
bool pt_history_find(unsigned long pfn, struct pt_history *h);
unsigned long pt_history_bytes(void);
unsigned long pt_history_entries(void);
int pt_history_init(void);
void pt_history_exit(void);

/* ---- the leak view: pages per stack (leaks.c) ---- */

DECLARE_STATIC_KEY_FALSE(pt_leaks_key);
void pt_leaks_add(depot_stack_handle_t handle, long pages);
void pt_leaks_freed(depot_stack_handle_t handle, long pages);
void pt_leaks_reset(void);
unsigned long pt_leaks_bytes(void);
int pt_leaks_init(void);
void pt_leaks_exit(void);
extern const struct seq_operations pt_show_stacks_sops;
void pt_leaks_mark(void);
u64 pt_leaks_mark_time(void);
unsigned int pt_leaks_capacity(void);

/* A stack's pages, for the growth and top_free views. */
struct pt_leak_row {
	u32 handle;
	long pages;		/* growth since the mark, or pages freed */
	long live;		/* pages it holds now */
	u64 oldest;		/* mode=full: time of its oldest page */
};
unsigned int pt_leaks_rows(struct pt_leak_row *rows, bool freed);
void pt_leaks_sort(struct pt_leak_row *rows, unsigned int n);
int pt_top_free_print(struct seq_file *m, unsigned int n);
extern unsigned int pt_count_threshold;

/* ---- stack capture (capture.c) and stackdepot (depot.c) ---- */

#define PT_CONTEXTS	4	/* task, softirq, hardirq, NMI */

/* Frames to trim in a hook's stacks, learnt per hook: see pt_capture_buf(). */
#define PT_TRIM_HINT_INIT	2

bool pt_enter(void);
void pt_leave(void);
unsigned long *pt_capture_buf(unsigned int *trim_hint, unsigned int *len);
unsigned int pt_walk_regs(struct pt_regs *regs, unsigned long *e, int *first);
unsigned int pt_walk_frames(unsigned long fp, unsigned long *e, int *first);
depot_stack_handle_t pt_capture_finish(unsigned int *trim_hint, unsigned int n,
				       int known_first, gfp_t gfp,
				       enum pt_kind kind, unsigned long ip,
				       unsigned long caller);
int pt_capture_init(void);
void pt_capture_exit(void);

enum pt_frame_class {
	PT_FRAME_CALLER, PT_FRAME_INTERNAL, PT_FRAME_API, PT_FRAME_CLASSES
};
enum pt_frame_class pt_frame_name_class(const char *name);

depot_stack_handle_t pt_depot_save(unsigned long *e, unsigned int n,
				   gfp_t gfp, enum pt_kind kind);
bool pt_depot_is_failed(depot_stack_handle_t handle);
depot_stack_handle_t pt_depot_moved_handle(void);
bool pt_depot_is_moved(depot_stack_handle_t handle);
const char *pt_depot_nolock_via(void);
int pt_depot_init(void);
void pt_depot_exit(void);

/* ---- attaching hooks of any kind (attach.c) ---- */

enum pt_hook_type { PT_HOOK_TRACEPOINT, PT_HOOK_FTRACE, PT_HOOK_KRETPROBE };

/* One attach point of any kind; see pt_hook_attach(). */
struct pt_hook {
	enum pt_hook_type type;
	const char *target;
	void *probe;			/* tracepoint probe */
	ftrace_func_t ftrace_func;
	kretprobe_handler_t entry, ret;
	size_t data_size;
	bool needs_nolock_depot;	/* saves under the allocator's locks */
	const char *unavailable;	/* set at build time: why not here */

	struct tracepoint *tp;
	struct ftrace_ops ops;
	struct kretprobe rp;
	bool attached;
	int err;
	const char *why;		/* why the kernel cannot offer it */
};

#define PT_TP_HOOK(t, fn) \
	{ .type = PT_HOOK_TRACEPOINT, .target = t, .probe = fn }
#define PT_FT_HOOK(t, fn) \
	{ .type = PT_HOOK_FTRACE, .target = t, .ftrace_func = fn }

int pt_hook_attach(struct pt_hook *h);
void pt_hook_detach(struct pt_hook *h);
void pt_hook_show(struct seq_file *m, const struct pt_hook *h);

/* ---- the allocator hooks (hooks.c) ---- */

int pt_hooks_init(void);
void pt_hooks_exit(void);
void pt_hooks_show(struct seq_file *m);
unsigned long pt_hooks_missed(void);

/* ---- the coverage self-test (coverage.c) ---- */

struct pt_coverage_result {
	const char *path;
	bool alloc_ok;
	bool free_ok;
	bool ran;
};

#define PT_NR_PATHS 8
extern struct pt_coverage_result pt_coverage_results[PT_NR_PATHS];
void pt_coverage_run(bool contig);
void pt_coverage_note(unsigned long pfn, unsigned int order,
		      enum pt_kind kind);

/* On only while pt_coverage_run() runs, in pt_coverage_task. */
DECLARE_STATIC_KEY_FALSE(pt_coverage_key);
extern struct task_struct *pt_coverage_task;

static __always_inline bool pt_coverage_current(void)
{
	return static_branch_unlikely(&pt_coverage_key) &&
	       READ_ONCE(pt_coverage_task) == current;
}

/*
 * Record now? The coverage self-test records even if a writer has already
 * set enabled=0 through sysfs (the parameter exists before init runs).
 */
static __always_inline bool pt_recording(void)
{
	return static_branch_likely(&pt_enabled_key) || pt_coverage_current();
}

/* ---- reports (report.c) and address resolution (resolve.c) ---- */

int pt_report_init(void);
void pt_report_exit(void);
void pt_print_pfn(struct seq_file *m, unsigned long pfn);
bool pt_print_frames(struct seq_file *m, depot_stack_handle_t handle);
void pt_print_stack(struct seq_file *m, depot_stack_handle_t handle);
#define PT_TIME_LEN	32
char *pt_time_str(char *buf, size_t len, u64 ts);
extern struct pt_hook pt_report_hook;

bool pt_addr_to_pfn(unsigned long addr, unsigned long *pfn,
		    depot_stack_handle_t *vfree_stack);
int pt_resolve_init(void);
void pt_resolve_exit(void);
extern struct pt_hook pt_vfree_hook;

/* ---- debugfs (debugfs.c) and whole-table views (views.c) ---- */

enum pt_lookup_key { PT_LOOKUP_PFN, PT_LOOKUP_PHYS, PT_LOOKUP_VIRT };
int pt_lookup_parse(const char *buf, enum pt_lookup_key *key,
		    unsigned long *val);
void pt_debugfs_init(void);
void pt_debugfs_exit(void);

extern const struct seq_operations pt_dump_sops;
int pt_growth_print(struct seq_file *m);
int pt_top_print(struct seq_file *m, unsigned int n);
struct pt_top_slot {
	u32 handle;
	u32 pages;
};
bool pt_top_add(struct pt_top_slot *t, unsigned int nr, u32 handle,
		u32 pages);
void pt_top_sort(struct pt_top_slot *t, unsigned int nr);

#endif /* _PAGETRAIL_H */
