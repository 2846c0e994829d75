// SPDX-License-Identifier: GPL-2.0
/*
 * The per-PFN table: a directory indexed by memory section, with a leaf
 * (one record per page in mode=last, two in mode=both) only for sections
 * that hold memory. Holes cost a directory slot, nothing more.
 *
 * Writers are the hooks (preemption disabled) and the memory-hotplug
 * notifier; the directory and leaves are published with RCU so the
 * notifier can add and remove sections while hooks run.
 */
#include <linux/build_bug.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

/*
 * A record is a u32 stackdepot handle plus 5 bits of meta data: the block
 * order + 1 (0: nothing recorded) and whether this is the page's latest
 * event. Where stackdepot has extra bits (6.1+) the meta data sits in the
 * handle's top STACK_DEPOT_EXTRA_BITS; 5.15 keeps it in a byte per record
 * after the handles of the leaf.
 */
#define PT_META_ORDER_MASK	0x0fU
#define PT_META_LATEST		0x10U
#define PT_META_BITS		5
static_assert(PT_MAX_PAGE_ORDER + 1 <= PT_META_ORDER_MASK);

#if PT_DEPOT_EXTRA_BITS
static_assert(PT_DEPOT_EXTRA_BITS >= PT_META_BITS);
#define PT_META_SHIFT		(32 - PT_DEPOT_EXTRA_BITS)
#define PT_HANDLE_MASK		((1U << PT_META_SHIFT) - 1)
#define PT_SIDE_BYTES		0
#else
#define PT_SIDE_BYTES		1
#endif

struct pt_slot {
	u32 *rec;	/* the page's records */
	u8 *meta;	/* 5.15: their meta data; NULL elsewhere */
};

static inline u32 pt_rec_pack(depot_stack_handle_t h, unsigned int meta)
{
#if PT_DEPOT_EXTRA_BITS
	return (h & PT_HANDLE_MASK) | (meta << PT_META_SHIFT);
#else
	return h;
#endif
}

static inline unsigned int pt_rec_meta(const struct pt_slot *s, int i)
{
#if PT_DEPOT_EXTRA_BITS
	return READ_ONCE(s->rec[i]) >> PT_META_SHIFT;
#else
	return READ_ONCE(s->meta[i]);
#endif
}

static inline void pt_rec_write(const struct pt_slot *s, int i,
				depot_stack_handle_t h, unsigned int meta)
{
	WRITE_ONCE(s->rec[i], pt_rec_pack(h, meta));
#if !PT_DEPOT_EXTRA_BITS
	WRITE_ONCE(s->meta[i], meta);
#endif
}

static inline void pt_rec_clear_latest(const struct pt_slot *s, int i)
{
#if PT_DEPOT_EXTRA_BITS
	WRITE_ONCE(s->rec[i], READ_ONCE(s->rec[i]) &
		   ~(PT_META_LATEST << PT_META_SHIFT));
#else
	WRITE_ONCE(s->meta[i], READ_ONCE(s->meta[i]) & ~PT_META_LATEST);
#endif
}

static inline void pt_rec_read(const struct pt_slot *s, int i,
			       struct pt_event *e, bool *latest)
{
	unsigned int meta = pt_rec_meta(s, i);

#if PT_DEPOT_EXTRA_BITS
	e->handle = READ_ONCE(s->rec[i]) & PT_HANDLE_MASK;
#else
	e->handle = READ_ONCE(s->rec[i]);
#endif
	e->order = (int)(meta & PT_META_ORDER_MASK) - 1;
	*latest = e->order >= 0 && (meta & PT_META_LATEST);
}

/**
 * pt_table_check_layout - check that the meta bits are stackdepot's spare bits
 *
 * Context: Process context, at load.
 * Return: 0, or -EINVAL if the handle layout is not the expected one.
 */
int pt_table_check_layout(void)
{
	/*
	 * 6.8+ declares the handle layout in its header; where the kernel
	 * exports stack_depot_get_extra_bits() (6.1+), ask it too.
	 */
#ifdef DEPOT_POOL_INDEX_BITS	/* 6.8+: union handle_parts is public */
	union handle_parts parts = { .handle = 0 };

	parts.extra = PT_META_LATEST;
	if (parts.handle != pt_rec_pack(0, PT_META_LATEST))
		return -EINVAL;
#endif
#if PT_DEPOT_EXTRA_BITS
	if (pt_have(stack_depot_get_extra_bits) &&
	    (pt_opt.stack_depot_get_extra_bits(PT_HANDLE_MASK) != 0 ||
	     pt_opt.stack_depot_get_extra_bits(pt_rec_pack(0, PT_META_LATEST)) !=
			PT_META_LATEST))
		return -EINVAL;
#endif
	return 0;
}

struct pt_dir {
	unsigned long nr;	/* sections covered: [0, nr) */
	u32 *leaf[];
};

static struct pt_dir __rcu *pt_dir;
static DEFINE_MUTEX(pt_dir_lock);	/* serialises directory updates */
static atomic_long_t pt_leaves;

/* Records per page: alloc + free, or the last event only. */
static unsigned int pt_words(void)
{
	return pt_mode == PT_MODE_BOTH ? 2 : 1;
}

unsigned int pt_table_entry_size(void)
{
	return pt_words() * (sizeof(u32) + PT_SIDE_BYTES);
}

/* Handles first, then (5.15) their meta bytes. */
static size_t pt_leaf_bytes(void)
{
	return PAGES_PER_SECTION * pt_table_entry_size();
}

static size_t pt_dir_bytes(unsigned long nr)
{
	return sizeof(struct pt_dir) + nr * sizeof(u32 *);
}

unsigned long pt_table_dir_bytes(void)
{
	struct pt_dir *d;
	unsigned long bytes;

	rcu_read_lock();
	d = rcu_dereference(pt_dir);
	bytes = d ? pt_dir_bytes(d->nr) : 0;
	rcu_read_unlock();
	return bytes;
}

/* Directory plus leaves: everything the table costs. */
unsigned long pt_table_bytes(void)
{
	return pt_table_dir_bytes() +
	       atomic_long_read(&pt_leaves) * pt_leaf_bytes();
}

/* One past the highest pfn the directory can hold. */
unsigned long pt_table_end_pfn(void)
{
	struct pt_dir *d;
	unsigned long end;

	rcu_read_lock();
	d = rcu_dereference(pt_dir);
	end = d ? section_nr_to_pfn(d->nr) : 0;
	rcu_read_unlock();
	return end;
}

unsigned long pt_table_pages(void)
{
	return atomic_long_read(&pt_leaves) * PAGES_PER_SECTION;
}

/*
 * The records of @pfn: false if the table does not cover it. Caller is in
 * an RCU(-sched) section: preemption or interrupts disabled.
 */
static bool pt_slot(unsigned long pfn, struct pt_slot *slot)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct pt_dir *d = rcu_dereference_sched(pt_dir);
	unsigned long idx = (pfn & (PAGES_PER_SECTION - 1)) * pt_words();
	u32 *leaf;

	if (!d || nr >= d->nr)
		return false;
	leaf = READ_ONCE(d->leaf[nr]);
	if (!leaf)
		return false;
	slot->rec = leaf + idx;
	slot->meta = PT_SIDE_BYTES ?
		(u8 *)(leaf + PAGES_PER_SECTION * pt_words()) + idx : NULL;
	return true;
}

bool pt_table_covers(unsigned long pfn)
{
	struct pt_slot s;
	bool ret;

	preempt_disable();
	ret = pt_slot(pfn, &s);
	preempt_enable();
	return ret;
}

/**
 * pt_table_record - record an event for every page of a block
 * @pfn: first page of the block
 * @order: the block's order
 * @kind: allocation or free
 * @handle: the event's stack
 *
 * In mode=both the other kind's record keeps its stack but loses the
 * "latest" flag, so a reader can tell whether the page is allocated.
 * The page allocator serialises events on one page (a page is freed only
 * after it was allocated, and reallocated only after it was freed), so two
 * writers never race on a record; a reader may see a new allocation next to
 * the previous free still flagged latest, and takes the allocation.
 *
 * Context: Any context, preemption disabled.
 */
void pt_table_record(unsigned long pfn, unsigned int order,
		     enum pt_kind kind, depot_stack_handle_t handle)
{
	unsigned int meta = (order + 1) | PT_META_LATEST;
	unsigned long i, n = 1UL << order;
	int w = pt_words(), mine = 0, other = 1;
	struct pt_slot s;

	if (unlikely(!pt_slot(pfn, &s) || n > PAGES_PER_SECTION ||
		     order > PT_MAX_PAGE_ORDER)) {
		this_cpu_inc(pt_stats.untracked);
		return;
	}
	if (w == 1) {
		if (kind == PT_FREE)
			meta &= ~PT_META_LATEST;
	} else if (kind == PT_FREE) {
		mine = 1;
		other = 0;
	}
	for (i = 0; i < n; i++) {
		pt_rec_write(&s, i * w + mine, handle, meta);
		if (w == 2)
			pt_rec_clear_latest(&s, i * w + other);
	}
}

/**
 * pt_table_read - what the table knows about one page
 * @pfn: the page
 * @v: filled in; in mode=last only the latest event is known
 *
 * Context: Any context; takes no lock.
 * Return: false if the table does not cover @pfn.
 */
bool pt_table_read(unsigned long pfn, struct pt_view *v)
{
	struct pt_slot s;
	bool latest, covered;

	v->alloc.order = v->free.order = -1;
	v->alloc.handle = v->free.handle = 0;
	v->allocated = false;
	v->both = pt_words() == 2;
	preempt_disable();
	covered = pt_slot(pfn, &s);
	if (covered && v->both) {
		/* Both flagged latest: see pt_table_record(). */
		pt_rec_read(&s, 0, &v->alloc, &v->allocated);
		pt_rec_read(&s, 1, &v->free, &latest);
	} else if (covered) {
		struct pt_event e;

		pt_rec_read(&s, 0, &e, &v->allocated);
		if (v->allocated)
			v->alloc = e;
		else
			v->free = e;
	}
	preempt_enable();
	return covered;
}

/* Forget every record (the self-test uses it between hook choices). */
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

/* Grow the directory to cover section @nr. Called with pt_dir_lock held. */
static int pt_dir_cover(unsigned long nr)
{
	struct pt_dir *old, *new;

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

static int pt_sections_add(unsigned long first, unsigned long last)
{
	struct pt_dir *d;
	unsigned long nr;
	int ret;

	mutex_lock(&pt_dir_lock);
	ret = pt_dir_cover(last);
	d = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	for (nr = first; !ret && nr <= last; nr++) {
		u32 *leaf;

		if (d->leaf[nr])
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

static void pt_sections_remove(unsigned long first, unsigned long last)
{
	u32 *gone[8];
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
		if (pt_sections_add(first, last))
			pr_warn_ratelimited("pagetrail: no memory to track pfn 0x%lx-0x%lx\n",
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

int pt_table_init(void)
{
	unsigned long end = 0, nr, last;
	int nid, ret = 0;

	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	if (!end)
		return -ENODEV;
	last = pfn_to_section_nr(end - 1);

	mutex_lock(&pt_dir_lock);
	ret = pt_dir_cover(last);
	mutex_unlock(&pt_dir_lock);
	for (nr = 0; !ret && nr <= last; nr++) {
		if (present_section_nr(nr))
			ret = pt_sections_add(nr, nr);
	}
	if (!ret)
		ret = register_memory_notifier(&pt_memory_nb);
	if (ret)
		pt_table_exit();
	return ret;
}

void pt_table_exit(void)
{
	struct pt_dir *d;

	unregister_memory_notifier(&pt_memory_nb);
	pt_sections_remove(0, ULONG_MAX - 1);
	mutex_lock(&pt_dir_lock);
	d = rcu_dereference_protected(pt_dir, lockdep_is_held(&pt_dir_lock));
	RCU_INIT_POINTER(pt_dir, NULL);
	mutex_unlock(&pt_dir_lock);
	synchronize_rcu();
	kvfree(d);
}
