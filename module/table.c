// SPDX-License-Identifier: GPL-2.0
/*
 * The per-PFN table: a directory indexed by memory section, with a leaf
 * (one u32 record per page in mode=last, two in mode=both) only for
 * sections that hold memory. Holes cost a directory slot, nothing more.
 *
 * Writers are the hooks (preemption disabled) and the memory-hotplug
 * notifier; the directory and leaves are published with RCU so the
 * notifier can add and remove sections while hooks run.
 */
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
	return pt_words() * sizeof(u32);
}

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

/* The records of @pfn, or NULL. Caller is in an RCU(-sched) section. */
static u32 *pt_slot(unsigned long pfn)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct pt_dir *d = rcu_dereference_sched(pt_dir);
	u32 *leaf;

	if (!d || nr >= d->nr)
		return NULL;
	leaf = READ_ONCE(d->leaf[nr]);
	if (!leaf)
		return NULL;
	return leaf + (pfn & (PAGES_PER_SECTION - 1)) * pt_words();
}

bool pt_table_covers(unsigned long pfn)
{
	bool ret;

	preempt_disable();
	ret = pt_slot(pfn) != NULL;
	preempt_enable();
	return ret;
}

/*
 * Write @handle into every pfn of the 2^@order block. In mode=both the
 * other kind's record keeps its stack but loses the "latest" flag, so a
 * report can tell whether the page is allocated or free.
 */
void pt_table_record(unsigned long pfn, unsigned int order,
		     enum pt_kind kind, depot_stack_handle_t handle)
{
	u32 rec = pt_rec_make(handle, order);
	unsigned long i, n = 1UL << order;
	u32 *s = pt_slot(pfn);

	if (unlikely(!s || n > PAGES_PER_SECTION)) {
		this_cpu_inc(pt_stats.untracked);
		return;
	}
	if (pt_mode == PT_MODE_LAST) {
		if (kind == PT_FREE)
			rec &= ~PT_REC_LATEST;
		for (i = 0; i < n; i++)
			WRITE_ONCE(s[i], rec);
		return;
	}
	for (i = 0; i < n; i++, s += 2) {
		WRITE_ONCE(s[kind == PT_ALLOC ? 0 : 1], rec);
		WRITE_ONCE(s[kind == PT_ALLOC ? 1 : 0],
			   READ_ONCE(s[kind == PT_ALLOC ? 1 : 0]) &
			   ~PT_REC_LATEST);
	}
}

bool pt_table_read(unsigned long pfn, struct pt_view *v)
{
	u32 *s;

	memset(v, 0, sizeof(*v));
	preempt_disable();
	s = pt_slot(pfn);
	if (s) {
		if (pt_mode == PT_MODE_LAST) {
			v->last = READ_ONCE(s[0]);
		} else {
			v->alloc = READ_ONCE(s[0]);
			v->free = READ_ONCE(s[1]);
		}
	}
	preempt_enable();
	return s != NULL;
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
