// SPDX-License-Identifier: GPL-2.0
/*
 * The per-PFN table: a directory indexed by memory section, with a leaf
 * (one record per page in mode=last, two in mode=both and mode=full, and
 * in mode=full a stamp per record) only for sections of online memory.
 * Holes cost a directory slot, nothing more.
 *
 * This file owns the record format and the mode: every reader gets a
 * struct pt_view, the same in every mode. It also keeps the leak view's
 * per-stack page counts (leaks.c) in step with the records it replaces.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

/* ==== The record format ==== */

/*
 * A record is the event's stackdepot handle plus 5 bits of flags:
 *
 *   bits 0-3  order of the block + 1 (0: nothing recorded); a block
 *             larger than PT_MAX_PAGE_ORDER (a gigantic folio, a CMA
 *             range) has PT_ORDER_BEYOND
 *   bit  4    ALLOCATED: mode=both: on the allocation record while the
 *             page is allocated; mode=last: the event is an allocation
 *
 * Where stackdepot has extra bits (6.1+) the flags are the handle's top
 * STACK_DEPOT_EXTRA_BITS, set and read through stackdepot's calls (as
 * KMSAN keeps its origin flags); 5.15 keeps them in a byte per record
 * after the leaf's handles (in mode=full: in the top PT_TS_FLAG_BITS of
 * the record's stamp time, which local_clock() reaches after 18 years).
 * A recorded event's handle is never 0: a stack stackdepot could not save
 * is depot.c's "failed" handle.
 *
 * mode=full adds to each record a stamp: the task id (tasks.c, 4 bytes)
 * and the time (8 bytes). Per page: 2 x (4 + 4 + 8) = 32 bytes.
 */
#define PT_REC_ORDER_MASK	0x0fU
#define PT_REC_ALLOCATED	0x10U
#define PT_REC_FLAG_BITS	5
static_assert(PT_ORDER_BEYOND + 1 <= PT_REC_ORDER_MASK);
#if PT_DEPOT_EXTRA_BITS
static_assert(PT_DEPOT_EXTRA_BITS >= PT_REC_FLAG_BITS);
#define PT_SIDE_BYTES		0
#else
#define PT_SIDE_BYTES		1
#endif

#define PT_TS_FLAG_BITS		PT_REC_FLAG_BITS
#define PT_TS_FLAG_SHIFT	(64 - PT_TS_FLAG_BITS)
#define PT_TS_MASK		(BIT_ULL(PT_TS_FLAG_SHIFT) - 1)

/* The page's records in its leaf: [0] allocation (or latest), [1] free. */
struct pt_slot {
	u32 *rec;
	u8 *side;	/* 5.15, mode both/last: their flags; else NULL */
	u32 *task;	/* mode=full: the records' stamps; else NULL */
	u64 *ts;	/* (5.15: with the flags in the top bits) */
};

/**
 * pt_rec_encode - pack an event into a record
 * @handle: the event's stack, not 0
 * @order: the block's order, at most PT_ORDER_BEYOND
 * @allocated: the ALLOCATED flag
 *
 * Context: Any context.
 * Return: the record.
 */
struct pt_rec pt_rec_encode(depot_stack_handle_t handle, unsigned int order,
			    bool allocated)
{
	unsigned int flags = (order + 1) | (allocated ? PT_REC_ALLOCATED : 0);
	struct pt_rec r;

#if PT_DEPOT_EXTRA_BITS
	r.word = pt_depot_set_extra(handle, flags);
	r.side = 0;
#else
	r.word = handle;
	r.side = flags;
#endif
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(pt_rec_encode);

static unsigned int pt_rec_flags(struct pt_rec r)
{
#if PT_DEPOT_EXTRA_BITS
	return pt_depot_get_extra(r.word);
#else
	return r.side;
#endif
}

/* @r with its flags replaced by @flags. */
static struct pt_rec pt_rec_set_flags(struct pt_rec r, unsigned int flags)
{
#if PT_DEPOT_EXTRA_BITS
	r.word = pt_depot_set_extra(r.word, flags);
#else
	r.side = flags;
#endif
	return r;
}

/**
 * pt_rec_decode - unpack a record
 * @r: the record
 * @e: its event, handle without the flags (order PT_ORDER_NONE if empty)
 * @allocated: its ALLOCATED flag
 *
 * Context: Any context.
 */
void pt_rec_decode(struct pt_rec r, struct pt_event *e, bool *allocated)
{
	unsigned int flags = pt_rec_flags(r);

	e->order = (int)(flags & PT_REC_ORDER_MASK) - 1;
#if PT_DEPOT_EXTRA_BITS
	e->handle = pt_depot_set_extra(r.word, 0);
#else
	e->handle = r.word;
#endif
	*allocated = e->order >= 0 && (flags & PT_REC_ALLOCATED);
}
EXPORT_SYMBOL_IF_KUNIT(pt_rec_decode);

static inline struct pt_rec pt_rec_load(const struct pt_slot *s, int i)
{
	struct pt_rec r = { .word = READ_ONCE(s->rec[i]) };

	if (PT_SIDE_BYTES)
		r.side = s->side ? READ_ONCE(s->side[i]) :
			 READ_ONCE(s->ts[i]) >> PT_TS_FLAG_SHIFT;
	return r;
}

static inline void pt_rec_store(const struct pt_slot *s, int i,
				struct pt_rec r)
{
	WRITE_ONCE(s->rec[i], r.word);
	if (PT_SIDE_BYTES && s->side)
		WRITE_ONCE(s->side[i], r.side);
	else if (PT_SIDE_BYTES)
		WRITE_ONCE(s->ts[i], (READ_ONCE(s->ts[i]) & PT_TS_MASK) |
			   (u64)r.side << PT_TS_FLAG_SHIFT);
}

static unsigned int pt_words(void);

/*
 * mode=full: a record's time word doubles as its sequence, as in
 * history.c. A writer zeroes it, writes the handle and the task, then the
 * time (with the flags, on 5.15: one store); a reader takes the three
 * only if it read the same non-zero time before and after. The time is
 * never 0 once written.
 */
static void pt_record_stamped(const struct pt_slot *s, unsigned long n,
			      unsigned int first, struct pt_rec r,
			      const struct pt_stamp *st)
{
	unsigned long i, idx, stride = pt_words();
	u64 ts = (st->ts & PT_TS_MASK) ?: 1;

	if (PT_SIDE_BYTES)
		ts |= (u64)r.side << PT_TS_FLAG_SHIFT;
	for (i = 0, idx = first; i < n; i++, idx += stride)
		WRITE_ONCE(s->ts[idx], 0);
	smp_wmb(); /* readers see the time go before the record changes */
	for (i = 0, idx = first; i < n; i++, idx += stride) {
		WRITE_ONCE(s->task[idx], st->task);
		WRITE_ONCE(s->rec[idx], r.word);
	}
	smp_wmb(); /* the record before the time that validates it */
	for (i = 0, idx = first; i < n; i++, idx += stride)
		WRITE_ONCE(s->ts[idx], ts);
}

/* mode=full: record @i and its stamp, consistent; false while written. */
static bool pt_read_stamped(const struct pt_slot *s, int i, struct pt_rec *r,
			    struct pt_stamp *st)
{
	u64 t1 = READ_ONCE(s->ts[i]), t2;

	smp_rmb(); /* pairs with the writer's second smp_wmb() */
	r->word = READ_ONCE(s->rec[i]);
	r->side = PT_SIDE_BYTES ? t1 >> PT_TS_FLAG_SHIFT : 0;
	st->task = READ_ONCE(s->task[i]);
	smp_rmb(); /* the record before the time's second read */
	t2 = READ_ONCE(s->ts[i]);
	st->ts = t1 & PT_TS_MASK;
	if (t1 != t2)
		return false;
	/* Time 0: never written (no record), or being written. */
	return st->ts || !r->word;
}

/**
 * pt_table_check_layout - check the by-hand flag layout against stackdepot
 *
 * Description: compat.h sets the flags by hand where the kernel does not export
 * stack_depot_set_extra_bits() (6.1, 6.2, GKI kernels without it).
 *
 * Context: Process context, at load.
 * Return: 0, or -EINVAL if the handle layout is not the expected one.
 */
int pt_table_check_layout(void)
{
#if PT_DEPOT_EXTRA_BITS
	u32 probe = PT_DEPOT_HANDLE_MASK |
		    (PT_REC_ALLOCATED << PT_DEPOT_EXTRA_SHIFT);
#ifdef DEPOT_POOL_INDEX_BITS	/* 6.8+: union handle_parts is public */
	union handle_parts parts = { .handle = PT_DEPOT_HANDLE_MASK };

	parts.extra = PT_REC_ALLOCATED;
	if (parts.handle != probe)
		return -EINVAL;
#endif
	if (pt_have(stack_depot_get_extra_bits) &&
	    (pt_opt.stack_depot_get_extra_bits(PT_DEPOT_HANDLE_MASK) != 0 ||
	     pt_opt.stack_depot_get_extra_bits(probe) != PT_REC_ALLOCATED))
		return -EINVAL;
	if (pt_depot_set_extra(PT_DEPOT_HANDLE_MASK, PT_REC_ALLOCATED) != probe)
		return -EINVAL;
#endif
	return 0;
}

/* ==== The mode: how many records a page has ==== */

enum pt_mode { PT_MODE_BOTH, PT_MODE_LAST, PT_MODE_FULL };

static const char *const pt_mode_names[] = {
	[PT_MODE_BOTH] = "both",
	[PT_MODE_LAST] = "last",
	[PT_MODE_FULL] = "full",
};

static enum pt_mode pt_mode = PT_MODE_BOTH;

static int pt_param_set_mode(const char *val, const struct kernel_param *kp)
{
	int i = val ? sysfs_match_string(pt_mode_names, val) : -EINVAL;

	if (i < 0) {
		pr_warn("mode: expected 'both', 'last' or 'full', got '%.16s'\n",
			val ?: "");
		return -EINVAL;
	}
	pt_mode = i;
	return 0;
}

static int pt_param_get_mode(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", pt_table_mode());
}

static const struct kernel_param_ops pt_mode_ops = {
	.set = pt_param_set_mode,
	.get = pt_param_get_mode,
};

module_param_cb(mode, &pt_mode_ops, NULL, 0444);
MODULE_PARM_DESC(mode, "both: alloc and free stack, 8 B/page; last: last event only, 4 B/page; full: both plus task and time of each, 32 B/page (load time)");

/**
 * pt_table_mode - the mode's name
 *
 * Context: Any context.
 * Return: "both", "last" or "full".
 */
const char *pt_table_mode(void)
{
	return pt_mode_names[pt_mode];
}

/**
 * pt_table_keeps_stamps - does the table keep who and when (mode=full)
 *
 * Context: Any context.
 * Return: true in mode=full.
 */
bool pt_table_keeps_stamps(void)
{
	return pt_mode == PT_MODE_FULL;
}

/* Records per page: alloc + free, or the last event only. */
static unsigned int pt_words(void)
{
	return pt_mode == PT_MODE_LAST ? 1 : 2;
}

/* Bytes per record besides its handle: flags (5.15) or the stamp. */
static unsigned int pt_rec_extra_bytes(void)
{
	if (pt_table_keeps_stamps())
		return sizeof(u32) + sizeof(u64);
	return PT_SIDE_BYTES;
}

/* ==== The directory of sections ==== */

struct pt_dir {
	unsigned long nr;	/* sections covered: [0, nr) */
	u32 *leaf[];
};

static struct pt_dir __rcu *pt_dir;
static DEFINE_MUTEX(pt_dir_lock);	/* serialises directory updates */
static atomic_long_t pt_leaves;

/**
 * pt_table_entry_size - bytes of records per page
 *
 * Context: Any context.
 * Return: 8, 4 or 32 (mode=both, last or full); 10 or 5 on 5.15 in
 * mode=both or last (flag bytes).
 */
unsigned int pt_table_entry_size(void)
{
	return pt_words() * (sizeof(u32) + pt_rec_extra_bytes());
}

/* Handles first, then (5.15) their flag bytes or (full) the stamps. */
static size_t pt_leaf_bytes(void)
{
	return PAGES_PER_SECTION * pt_table_entry_size();
}

static size_t pt_dir_bytes(unsigned long nr)
{
	return sizeof(struct pt_dir) + nr * sizeof(u32 *);
}

/* Sections the directory covers now: [0, nr); 0 before init. */
static unsigned long pt_dir_sections(void)
{
	struct pt_dir *d;
	unsigned long nr;

	rcu_read_lock();
	d = rcu_dereference(pt_dir);
	nr = d ? d->nr : 0;
	rcu_read_unlock();
	return nr;
}

/**
 * pt_table_dir_bytes - size of the section directory
 *
 * Context: Any context but NMI.
 * Return: its bytes.
 */
unsigned long pt_table_dir_bytes(void)
{
	unsigned long nr = pt_dir_sections();

	return nr ? pt_dir_bytes(nr) : 0;
}

/**
 * pt_table_bytes - everything the table costs: directory plus leaves
 *
 * Context: Any context but NMI.
 * Return: its bytes.
 */
unsigned long pt_table_bytes(void)
{
	return pt_table_dir_bytes() +
	       atomic_long_read(&pt_leaves) * pt_leaf_bytes();
}

/**
 * pt_table_end_pfn - where the directory ends
 *
 * Context: Any context but NMI.
 * Return: one past the highest pfn the directory can hold.
 */
unsigned long pt_table_end_pfn(void)
{
	return section_nr_to_pfn(pt_dir_sections());
}

/**
 * pt_table_pages - pages the table has records for
 *
 * Context: Any context.
 * Return: the number of pages in sections with a leaf.
 */
unsigned long pt_table_pages(void)
{
	return atomic_long_read(&pt_leaves) * PAGES_PER_SECTION;
}

/* ==== Writing and reading records ==== */

/*
 * Writer and reader rules.
 *
 * Writers are the hooks, with preemption disabled (pt_enter()), so the
 * directory and its leaves are RCU-sched protected: the hotplug notifier
 * unpublishes a leaf and waits for synchronize_rcu() before freeing it.
 *
 * No two writers race on one page's records: the page allocator hands a
 * page out only after it was freed and takes it back only after it was
 * allocated, so the events of one pfn are serialised by the allocator and
 * the read-modify-write of the ALLOCATED flag below needs no atomics.
 *
 * Readers take no lock. A reader may see a new allocation next to the
 * previous free (both stacks are then right), or during a free, the new
 * free stack while ALLOCATED is still set: a free writes its stack first
 * and clears ALLOCATED last, so a reader never pairs "free" with an older
 * free's stack.
 */

/*
 * The records of @pfn: false if the table does not cover it. Callers are
 * in an RCU-sched read section (preemption or interrupts disabled).
 */
/* The records of page @off (0..PAGES_PER_SECTION - 1) of @leaf. */
static void pt_leaf_slot(u32 *leaf, unsigned long off, struct pt_slot *slot)
{
	unsigned long idx = off * pt_words();

	slot->rec = leaf + idx;
	slot->side = NULL;
	slot->task = NULL;
	slot->ts = NULL;
	if (pt_table_keeps_stamps()) {
		/* u32 task[2 * P] and u64 ts[2 * P] after the handles */
		slot->task = leaf + PAGES_PER_SECTION * 2 + idx;
		slot->ts = (u64 *)(leaf + PAGES_PER_SECTION * 4) + idx;
	} else if (PT_SIDE_BYTES) {
		slot->side = (u8 *)(leaf + PAGES_PER_SECTION * pt_words()) +
			     idx;
	}
}

static bool pt_slot(unsigned long pfn, struct pt_slot *slot)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct pt_dir *d = rcu_dereference_sched(pt_dir);
	u32 *leaf;

	if (!d || nr >= d->nr)
		return false;
	leaf = READ_ONCE(d->leaf[nr]);
	if (!leaf)
		return false;
	pt_leaf_slot(leaf, pfn & (PAGES_PER_SECTION - 1), slot);
	return true;
}

/**
 * pt_table_covers - does the table hold records for a pfn
 * @pfn: the page
 *
 * Context: Any context.
 * Return: true if it does.
 */
bool pt_table_covers(unsigned long pfn)
{
	struct pt_slot s;
	bool ret;

	preempt_disable();
	ret = pt_slot(pfn, &s);
	preempt_enable();
	return ret;
}

/*
 * The leak view's key of a record: its handle with the flags masked off,
 * by the layout pt_table_check_layout() checked at load. The same as the
 * handle a new event counts under, with no call into stackdepot.
 */
static inline u32 pt_rec_key(struct pt_rec r)
{
#if PT_DEPOT_EXTRA_BITS
	return r.word & PT_DEPOT_HANDLE_MASK;
#else
	return r.word;
#endif
}

/*
 * The leak view counts, per stack, the pages whose allocation record is
 * ALLOCATED. Every write that replaces such a record takes its pages off
 * their stack's count: here, the allocation records of @s's first @n
 * pages, with @clear (mode=both or full, a free) clearing their ALLOCATED
 * flag too.
 */
static void pt_release_allocated(const struct pt_slot *s, unsigned long n,
				 bool clear)
{
	bool leaks = static_branch_unlikely(&pt_leaks_key);
	struct pt_rec old = { }, cleared = { }, r;
	unsigned long i, stride = pt_words(), run = 0;
	unsigned int flags = 0;

	for (i = 0; i < n; i++) {
		r = pt_rec_load(s, stride * i);
		/* A block's pages share one record: decode it once. */
		if (r.word != old.word || r.side != old.side) {
			if (leaks && run)
				pt_leaks_add(pt_rec_key(old), -(long)run);
			run = 0;
			old = r;
			flags = pt_rec_flags(r);
			if (clear && (flags & PT_REC_ALLOCATED))
				cleared = pt_rec_set_flags(r, flags &
							   ~PT_REC_ALLOCATED);
		}
		if (!(flags & PT_REC_ALLOCATED))
			continue;
		run++;
		if (clear)
			pt_rec_store(s, stride * i, cleared);
	}
	if (leaks && run)
		pt_leaks_add(pt_rec_key(old), -(long)run);
}

/* One section's part of pt_table_record_run(). */
static void pt_record_chunk(struct pt_slot *s, unsigned long n,
			    enum pt_kind kind, struct pt_rec r,
			    const struct pt_stamp *st)
{
	unsigned int words = pt_words();
	int mine = words == 2 && kind == PT_FREE;
	unsigned long i;

	if (static_branch_unlikely(&pt_leaks_key) &&
	    (kind == PT_ALLOC || words == 1))
		pt_release_allocated(s, n, false);
	if (s->task) {
		pt_record_stamped(s, n, mine, r, st);
	} else {
		for (i = 0; i < n; i++)
			pt_rec_store(s, i * words + mine, r);
	}
	if (mine) {
		smp_wmb(); /* the free stack before ALLOCATED clears */
		pt_release_allocated(s, n, true);
	}
}

/**
 * pt_table_record_run - record one event for @n pages of order-@order blocks
 * @pfn: first page
 * @n: pages
 * @order: the order each page's record carries (0 for a run of pages);
 *	above PT_MAX_PAGE_ORDER (a gigantic folio) it is recorded as
 *	PT_ORDER_BEYOND
 * @kind: allocation or free
 * @handle: the event's stack, not 0 (see pt_depot_save())
 * @st: who and when, kept in mode=full
 *
 * Encodes the record once: a large contiguous range costs a store a page.
 * See "Writer and reader rules" above.
 *
 * Context: Any context, preemption disabled.
 */
void pt_table_record_run(unsigned long pfn, unsigned long n,
			 unsigned int order, enum pt_kind kind,
			 depot_stack_handle_t handle, const struct pt_stamp *st)
{
	unsigned long done, chunk, tracked = 0;
	struct pt_slot s;
	struct pt_rec r;

	lockdep_assert_preemption_disabled();
	r = pt_rec_encode(handle, min_t(unsigned int, order, PT_ORDER_BEYOND),
			  kind == PT_ALLOC);
	/* A block larger than a section spans several leaves. */
	for (done = 0; done < n; done += chunk) {
		chunk = min(n - done, PAGES_PER_SECTION -
			    ((pfn + done) & (PAGES_PER_SECTION - 1)));
		if (unlikely(!pt_slot(pfn + done, &s))) {
			pt_count(PT_CTR_UNTRACKED);
			continue;
		}
		pt_record_chunk(&s, chunk, kind, r, st);
		tracked += chunk;
	}
	if (static_branch_unlikely(&pt_leaks_key) && tracked) {
		if (kind == PT_ALLOC)
			pt_leaks_add(handle, tracked);
		else
			pt_leaks_freed(handle, tracked);
	}
}

/**
 * pt_table_copy - give pages the allocation records of others, as migration does
 * @from: first page whose allocation records to copy
 * @to: first page to receive them
 * @nr: pages
 *
 * A migrated folio's new pages read allocated by the old allocation (and,
 * in mode=full, by its task at its time), as page_owner copies its owner.
 * Their "last freed" stays theirs: the free of the old pages is another
 * page's event. The old pages are freed afterwards, and that free is
 * recorded as theirs.
 *
 * Context: Any context, preemption disabled; @to is not yet in use.
 */
void pt_table_copy(unsigned long from, unsigned long to, unsigned long nr)
{
	struct pt_slot src, dst;
	struct pt_stamp st;
	struct pt_rec r;
	unsigned long i;

	lockdep_assert_preemption_disabled();
	for (i = 0; i < nr; i++) {
		if (!pt_slot(from + i, &src) || !pt_slot(to + i, &dst)) {
			pt_count(PT_CTR_UNTRACKED);
			continue;
		}
		r = pt_rec_load(&src, 0);
		if (static_branch_unlikely(&pt_leaks_key)) {
			pt_release_allocated(&dst, 1, false);
			if (pt_rec_flags(r) & PT_REC_ALLOCATED)
				pt_leaks_add(pt_rec_key(r), 1);
		}
		if (dst.task && pt_read_stamped(&src, 0, &r, &st))
			pt_record_stamped(&dst, 1, 0, r, &st);
		else
			pt_rec_store(&dst, 0, r);
	}
}

/* Reads that saw a writer change a record under them before giving up. */
#define PT_READ_TRIES	3

/* Decode @s into @v; false if a writer changed a record meanwhile. */
static bool pt_read_slot(const struct pt_slot *s, struct pt_view *v)
{
	struct pt_stamp st0 = { }, st1 = { };
	struct pt_rec r0, r1 = { };
	struct pt_event e = { };
	bool ignored;

	if (s->task) {
		if (!pt_read_stamped(s, 0, &r0, &st0))
			return false;
	} else {
		r0 = pt_rec_load(s, 0);
	}
	pt_rec_decode(r0, &e, &v->allocated);
	e.stamp = st0;
	if (pt_words() == 2) {
		v->alloc = e;
		smp_rmb(); /* pairs with smp_wmb() in pt_record_chunk() */
		if (s->task) {
			if (!pt_read_stamped(s, 1, &r1, &st1))
				return false;
		} else {
			r1 = pt_rec_load(s, 1);
		}
		pt_rec_decode(r1, &v->free, &ignored);
		v->free.stamp = st1;
	} else if (v->allocated) {
		v->alloc = e;
		v->free.order = PT_ORDER_NOT_KEPT;
	} else if (pt_event_recorded(&e)) {
		v->free = e;
		v->alloc.order = PT_ORDER_NOT_KEPT;
	}
	return true;
}

/**
 * pt_table_read - what the table knows about one page
 * @pfn: the page
 * @v: filled in; an event this mode does not keep has PT_ORDER_NOT_KEPT,
 *	a stamp it does not keep is 0; empty if a writer changed the
 *	records under every try
 *
 * Context: Any context; takes no lock.
 * Return: false if the table does not cover @pfn.
 */
bool pt_table_read(unsigned long pfn, struct pt_view *v)
{
	struct pt_slot s;
	bool covered;
	int tries = 0;

	preempt_disable();
	covered = pt_slot(pfn, &s);
	do {
		memset(v, 0, sizeof(*v));
		v->alloc.order = v->free.order = PT_ORDER_NONE;
	} while (covered && !pt_read_slot(&s, v) && ++tries < PT_READ_TRIES);
	/* Written under every read: say nothing rather than mix events. */
	if (tries == PT_READ_TRIES) {
		memset(v, 0, sizeof(*v));
		v->alloc.order = v->free.order = PT_ORDER_NONE;
	}
	preempt_enable();
	return covered;
}

/**
 * pt_table_clear - forget every record
 *
 * Description: The coverage self-test clears the table between hook sets it tries.
 *
 * Context: Process context; takes pt_dir_lock.
 */
void pt_table_clear(void)
{
	struct pt_dir *d;
	unsigned long i;

	mutex_lock(&pt_dir_lock);
	d = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	for (i = 0; d && i < d->nr; i++) {
		if (d->leaf[i])
			memset(d->leaf[i], 0, pt_leaf_bytes());
	}
	mutex_unlock(&pt_dir_lock);
}

/* Grow the directory to cover section @nr. */
static int pt_dir_cover(unsigned long nr)
{
	struct pt_dir *old, *new;

	lockdep_assert_held(&pt_dir_lock);
	old = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	if (old && nr < old->nr)
		return 0;
	new = kvzalloc(pt_dir_bytes(nr + 1), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->nr = nr + 1;
	if (old)
		memcpy(new->leaf, old->leaf, old->nr * sizeof(old->leaf[0]));
	rcu_assign_pointer(pt_dir, new);
	if (old) {
		synchronize_rcu();
		kvfree(old);
	}
	return 0;
}

/*
 * Give sections [first, last] a leaf. @online_only: only those online now
 * (the scan at load); the hotplug notifier adds sections about to go
 * online. Checked under pt_dir_lock, which the notifier's removal takes
 * too, so a section offlined meanwhile never keeps a leaf.
 */
static int pt_sections_add(unsigned long first, unsigned long last,
			   bool online_only)
{
	struct pt_dir *d;
	unsigned long nr;
	int ret;

	mutex_lock(&pt_dir_lock);
	ret = pt_dir_cover(last);
	d = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	for (nr = first; !ret && nr <= last; nr++) {
		u32 *leaf;

		if (d->leaf[nr] || (online_only && !online_section_nr(nr)))
			continue;
		leaf = vzalloc(pt_leaf_bytes());
		if (!leaf) {
			ret = -ENOMEM;
			break;
		}
		WRITE_ONCE(d->leaf[nr], leaf);
		atomic_long_inc(&pt_leaves);
	}
	mutex_unlock(&pt_dir_lock);
	return ret;
}

/* Leaves unpublished per synchronize_rcu(): one grace period for several. */
#define PT_REMOVE_BATCH	8

static void pt_sections_remove(unsigned long first, unsigned long last)
{
	u32 *gone[PT_REMOVE_BATCH];
	struct pt_dir *d;
	unsigned long nr;
	int n;

	mutex_lock(&pt_dir_lock);
	d = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	nr = first;
	while (d && nr <= last && nr < d->nr) {
		for (n = 0; n < ARRAY_SIZE(gone) && nr <= last && nr < d->nr;
		     nr++) {
			if (!d->leaf[nr])
				continue;
			gone[n++] = d->leaf[nr];
			WRITE_ONCE(d->leaf[nr], NULL);
		}
		synchronize_rcu();
		while (n--) {
			struct pt_slot slot;

			/* Its allocated pages leave the stack counts too. */
			pt_leaf_slot(gone[n], 0, &slot);
			if (static_branch_unlikely(&pt_leaks_key))
				pt_release_allocated(&slot, PAGES_PER_SECTION,
						     false);
			vfree(gone[n]);
			atomic_long_dec(&pt_leaves);
		}
	}
	mutex_unlock(&pt_dir_lock);
}

static int pt_memory_event(struct notifier_block *nb, unsigned long action,
			   void *arg)
{
	struct memory_notify *mn = arg;
	unsigned long first = pfn_to_section_nr(mn->start_pfn);
	unsigned long last = pfn_to_section_nr(mn->start_pfn + mn->nr_pages - 1);

	switch (action) {
	case MEM_GOING_ONLINE:
	case MEM_ONLINE:	/* again: the scan at load may have missed it */
		if (pt_sections_add(first, last, false))
			pr_warn_ratelimited("no memory to track pfn 0x%lx-0x%lx\n",
					    mn->start_pfn,
					    mn->start_pfn + mn->nr_pages - 1);
		break;
	case MEM_OFFLINE:
	case MEM_CANCEL_ONLINE:
		pt_sections_remove(first, last);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block pt_memory_nb = {
	.notifier_call = pt_memory_event,
};

/*
 * Memory hotplug notifications, where the kernel exports them (GKI KMI
 * lists do not name register_memory_notifier): without them, memory that
 * goes online after load is not tracked (its pages read "not tracked").
 */
static int pt_memory_notifier_register(void)
{
#ifdef CONFIG_MEMORY_HOTPLUG
	if (!pt_have(register_memory_notifier) ||
	    !pt_have(unregister_memory_notifier)) {
		pr_info("register_memory_notifier is not exported: memory onlined after load is not tracked\n");
		return 0;
	}
	return pt_opt.register_memory_notifier(&pt_memory_nb);
#else
	return 0;
#endif
}

static void pt_memory_notifier_unregister(void)
{
#ifdef CONFIG_MEMORY_HOTPLUG
	if (pt_have(register_memory_notifier) &&
	    pt_have(unregister_memory_notifier))
		pt_opt.unregister_memory_notifier(&pt_memory_nb);
#endif
}

/**
 * pt_table_init - allocate the table for the memory online at load
 *
 * Context: Process context, at load; sleeps.
 * Return: 0, -ENODEV without memory, -ENOMEM.
 */
int pt_table_init(void)
{
	unsigned long end = 0;
	int nid, ret;

	/*
	 * Online memory only: ZONE_DEVICE and other present-but-offline
	 * ranges never reach the allocator. The notifier first, so that no
	 * section goes online unseen between the scan and the registration
	 * (it adds on MEM_ONLINE too, after the section is marked online).
	 */
	ret = pt_memory_notifier_register();
	if (ret)
		return ret;
	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	if (!end)
		ret = -ENODEV;
	else
		ret = pt_sections_add(0, pfn_to_section_nr(end - 1), true);
	if (ret)
		pt_table_exit();
	return ret;
}

/**
 * pt_table_exit - free the table
 *
 * Context: Process context, after the hooks are detached; sleeps.
 */
void pt_table_exit(void)
{
	struct pt_dir *d;

	pt_memory_notifier_unregister();
	pt_sections_remove(0, ULONG_MAX - 1);
	mutex_lock(&pt_dir_lock);
	d = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	RCU_INIT_POINTER(pt_dir, NULL);
	mutex_unlock(&pt_dir_lock);
	synchronize_rcu();
	kvfree(d);
}
