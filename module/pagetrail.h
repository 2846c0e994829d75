/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagetrail: remembers, for every physical page, the stack that last
 * allocated it and the stack that last freed it.
 */
#ifndef _PAGETRAIL_H
#define _PAGETRAIL_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <asm/current.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>

struct dentry;
struct page;
struct seq_file;

enum pt_kind { PT_FREE = 0, PT_ALLOC = 1 };
enum pt_mode { PT_MODE_BOTH, PT_MODE_LAST };

#define PT_MAX_DEPTH	64

/* Parameters (main.c). */
extern bool pt_enabled;
extern bool pt_print_on_report;
extern bool pt_allow_partial;
extern unsigned int pt_depth;
extern enum pt_mode pt_mode;

/* Counters, per CPU so the hot path never shares a cache line. */
struct pt_stats {
	unsigned long events[2];	/* indexed by enum pt_kind */
	unsigned long no_stack;		/* recorded without a stack */
	unsigned long recursion;	/* skipped: re-entered from stackdepot */
	unsigned long nmi;		/* skipped: NMI context */
	unsigned long dedup;		/* skipped: already recorded by another hook */
	unsigned long untracked;	/* pfn outside the table */
	unsigned long depot_nolock_failed; /* non-allocating save failed */
	unsigned long depot_topups;	/* pools given to stackdepot later */
};
DECLARE_PER_CPU(struct pt_stats, pt_stats);
#define pt_count(field) this_cpu_inc(pt_stats.field)
void pt_stats_sum(struct pt_stats *sum);

/*
 * One recorded event as the table gives it back: the stack and the order
 * of the block it was recorded for (-1: nothing recorded).
 */
struct pt_event {
	depot_stack_handle_t handle;	/* 0: recorded, but no stack saved */
	int order;
};

/* What the table knows about one pfn, the same in every mode. */
struct pt_view {
	struct pt_event alloc;		/* last allocation */
	struct pt_event free;		/* last free */
	bool allocated;			/* the latest event is an allocation */
	bool both;			/* false: mode=last keeps the latest only */
};

static inline bool pt_view_empty(const struct pt_view *v)
{
	return v->alloc.order < 0 && v->free.order < 0;
}

/* The latest event of @v. */
static inline const struct pt_event *pt_view_latest(const struct pt_view *v)
{
	return v->allocated ? &v->alloc : &v->free;
}

/* table.c */
int pt_table_init(void);
void pt_table_exit(void);
void pt_table_record(unsigned long pfn, unsigned int order,
		     enum pt_kind kind, depot_stack_handle_t handle);
bool pt_table_read(unsigned long pfn, struct pt_view *v);
int pt_table_check_layout(void);
bool pt_table_covers(unsigned long pfn);
void pt_table_clear(void);
unsigned long pt_table_bytes(void);
unsigned long pt_table_dir_bytes(void);
unsigned long pt_table_pages(void);
unsigned long pt_table_end_pfn(void);
unsigned int pt_table_entry_size(void);

/* stack.c */
#define PT_CONTEXTS	4	/* task, softirq, hardirq, NMI */
int pt_stack_init(void);
void pt_stack_exit(void);
unsigned long *pt_capture_buf(unsigned int *trim_hint, unsigned int *len);
depot_stack_handle_t pt_capture_finish(unsigned int *trim_hint, unsigned int n,
				       gfp_t gfp, enum pt_kind kind,
				       unsigned long ip, unsigned long caller);
const char *pt_stack_nolock_via(void);
bool pt_enter(void);
void pt_leave(void);
void pt_store(struct page *page, unsigned int order, enum pt_kind kind,
	      depot_stack_handle_t handle);

/* hooks.c */
enum pt_hook_type { PT_HOOK_TRACEPOINT, PT_HOOK_FTRACE, PT_HOOK_KRETPROBE };

/* One attach point of any kind; see pt_hook_attach(). */
struct pt_hook {
	enum pt_hook_type type;
	const char *target;
	void *probe;			/* tracepoint probe */
	ftrace_func_t ftrace_func;
	kretprobe_handler_t entry, ret;
	size_t data_size;

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
int pt_hooks_init(void);
void pt_hooks_exit(void);
void pt_hooks_show(struct seq_file *m);

/* selftest.c */
struct pt_selftest_result {
	const char *path;
	bool alloc_ok;
	bool free_ok;
	bool ran;
};
#define PT_NR_PATHS 7
extern struct pt_selftest_result pt_selftest_results[PT_NR_PATHS];
void pt_selftest_run(void);
void pt_selftest_note(unsigned long pfn, unsigned int order,
		      enum pt_kind kind);
extern struct task_struct *pt_selftest_task;

/*
 * Record now? The load-time self-test records even if a writer has already
 * set enabled=0 through sysfs (the parameter exists before init runs).
 */
static inline bool pt_recording(void)
{
	return READ_ONCE(pt_enabled) || READ_ONCE(pt_selftest_task) == current;
}

/* Frames to trim in a hook's stacks, learnt per hook: see pt_capture_buf(). */
#define PT_TRIM_HINT_INIT	2

/*
 * Save the current stack, trimmed to the allocation API, in stackdepot.
 * Inlined, like pt_record(), into each hook: every frame between the
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

/* report.c */
int pt_report_init(void);
void pt_report_exit(void);
void pt_print_pfn(struct seq_file *m, unsigned long pfn);
void pt_print_stack(struct seq_file *m, depot_stack_handle_t handle);
bool pt_addr_to_pfn(unsigned long addr, unsigned long *pfn);
extern struct pt_hook pt_report_hook;

/* vfree.c */
int pt_vfree_init(void);
void pt_vfree_exit(void);
bool pt_vfree_lookup(unsigned long addr, unsigned long *pfn);
extern struct pt_hook pt_vfree_hook;

/* dump.c */
void pt_dump_init(struct dentry *dir);

/* debugfs.c */
int pt_copy_cmd(char *buf, size_t size, const char __user *ubuf,
		size_t count, const char *file);
void pt_debugfs_init(void);
void pt_debugfs_exit(void);

#endif /* _PAGETRAIL_H */
