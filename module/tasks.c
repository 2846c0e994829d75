// SPDX-License-Identifier: GPL-2.0
/*
 * Who: the tasks that allocate and free pages, interned. An event keeps a
 * 32-bit task id instead of pid, tgid and a 16-byte comm; the id names a
 * slot of a bounded table that the recording path fills without locks.
 *
 * A slot is recycled when its set is full of other tasks. A reader never
 * takes a recycled slot for the event's task: the id carries the slot's
 * generation, and a slot claimed after the event (its "since" is later
 * than the event's time) is not the one the event saw either. Such a task
 * prints as unknown, never as another task.
 *
 *   id = generation << PT_TASK_SLOT_BITS | slot, 0: no task
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pagetrail.h"
#include "compat.h"

#define PT_TASK_SLOT_BITS	13
#define PT_TASK_SLOTS		(1U << PT_TASK_SLOT_BITS)	/* 8192 */
#define PT_TASK_WAYS		4	/* slots a task may take */
#define PT_TASK_GEN_MASK	(U32_MAX >> PT_TASK_SLOT_BITS)

/* seq: odd while a writer fills the slot; seq >> 1 is its generation. */
struct pt_task_slot {
	atomic_t seq;
	pid_t pid;
	pid_t tgid;
	u64 since;		/* local_clock() when claimed */
	char comm[TASK_COMM_LEN];
};

static struct pt_task_slot *pt_tasks;
static DEFINE_PER_CPU(unsigned int, pt_task_victim);

/*
 * The last task seen per CPU and context level: most events come from the
 * task of the one before, which then costs a few compares, not a lookup.
 */
struct pt_task_cache {
	const struct task_struct *task;
	pid_t pid;
	pid_t tgid;
	u32 id;
	u64 comm[TASK_COMM_LEN / sizeof(u64)];
};
static DEFINE_PER_CPU(struct pt_task_cache[PT_CONTEXTS], pt_task_cache);
static_assert(TASK_COMM_LEN == 2 * sizeof(u64));

/* Read slot @s into @t if its generation is @gen. */
static bool pt_task_read_slot(const struct pt_task_slot *s, u32 gen,
			      struct pt_task *t)
{
	int seq = atomic_read_acquire(&s->seq);

	if ((seq & 1) || ((u32)seq >> 1 & PT_TASK_GEN_MASK) != gen)
		return false;
	t->pid = READ_ONCE(s->pid);
	t->tgid = READ_ONCE(s->tgid);
	t->since = READ_ONCE(s->since);
	memcpy(t->comm, s->comm, sizeof(t->comm));
	smp_rmb(); /* the fields before the second look at seq */
	t->comm[sizeof(t->comm) - 1] = '\0';
	return atomic_read(&s->seq) == seq;
}

static u32 pt_task_make_id(unsigned int slot, int seq)
{
	return ((u32)seq >> 1 & PT_TASK_GEN_MASK) << PT_TASK_SLOT_BITS | slot;
}

/* Take slot @i for @tsk; 0 if another writer holds it. */
static u32 pt_task_claim(unsigned int i, const struct pt_task *tsk)
{
	struct pt_task_slot *s = &pt_tasks[i];
	int seq = atomic_read(&s->seq), next;

	if ((seq & 1) || atomic_cmpxchg(&s->seq, seq, seq + 1) != seq)
		return 0;
	WRITE_ONCE(s->pid, tsk->pid);
	WRITE_ONCE(s->tgid, tsk->tgid);
	WRITE_ONCE(s->since, local_clock());
	memcpy(s->comm, tsk->comm, sizeof(s->comm));
	/* A new generation, never 0: id 0 means "no task". */
	next = seq + 2;
	if (!((u32)next >> 1 & PT_TASK_GEN_MASK))
		next += 2;
	atomic_set_release(&s->seq, next);
	return pt_task_make_id(i, next);
}

/* Find or claim the slot of @cur; 0 if a concurrent writer held it. */
static u32 pt_task_lookup(struct task_struct *cur)
{
	struct pt_task me, seen;
	unsigned int set, way, i;

	me.pid = cur->pid;
	me.tgid = cur->tgid;
	memcpy(me.comm, cur->comm, sizeof(me.comm));
	me.comm[sizeof(me.comm) - 1] = '\0';
	set = jhash_2words(me.pid, me.tgid, 0) &
	      (PT_TASK_SLOTS / PT_TASK_WAYS - 1);
	for (way = 0; way < PT_TASK_WAYS; way++) {
		int seq;

		i = set * PT_TASK_WAYS + way;
		seq = atomic_read(&pt_tasks[i].seq);
		if (pt_task_read_slot(&pt_tasks[i],
				      (u32)seq >> 1 & PT_TASK_GEN_MASK, &seen) &&
		    seen.pid == me.pid && seen.tgid == me.tgid &&
		    !strncmp(seen.comm, me.comm, sizeof(me.comm)))
			return pt_task_make_id(i, seq);
	}
	way = this_cpu_inc_return(pt_task_victim) % PT_TASK_WAYS;
	i = pt_task_claim(set * PT_TASK_WAYS + way, &me);
	if (!i)
		pt_count(PT_CTR_TASK_BUSY);
	return i;
}

/**
 * pt_task_id - the id of the current task, interned on first sight
 *
 * Description: In interrupt context this is the interrupted task, as
 * page_owner records it.
 *
 * Context: Any context but NMI, preemption disabled; lock-free.
 * Return: the id, or 0 if the table is off or a concurrent writer held
 * the slot.
 */
u32 pt_task_id(void)
{
	struct pt_task_cache *c = this_cpu_ptr(&pt_task_cache[pt_context_level()]);
	struct task_struct *cur = current;
	u64 comm[ARRAY_SIZE(c->comm)];
	int seq;

	if (!pt_tasks)
		return 0;
	/*
	 * Two loads and word compares: a KASAN kernel makes memcpy() a call
	 * and memcmp() a byte loop with a shadow check per byte.
	 */
	__builtin_memcpy(comm, cur->comm, sizeof(comm));
	if (c->task == cur && c->pid == cur->pid && c->tgid == cur->tgid &&
	    c->id && comm[0] == c->comm[0] && comm[1] == c->comm[1]) {
		/* Still its slot: not recycled since. */
		seq = atomic_read(&pt_tasks[c->id & (PT_TASK_SLOTS - 1)].seq);
		if (!(seq & 1) &&
		    ((u32)seq >> 1 & PT_TASK_GEN_MASK) ==
		    c->id >> PT_TASK_SLOT_BITS)
			return c->id;
	}
	c->task = cur;
	c->pid = cur->pid;
	c->tgid = cur->tgid;
	c->comm[0] = comm[0];
	c->comm[1] = comm[1];
	c->id = pt_task_lookup(cur);
	return c->id;
}

/**
 * pt_task_get - the task an event recorded
 * @id: the event's task id
 * @ts: the event's time (local_clock())
 * @t: filled in
 *
 * Context: Any context; lock-free.
 * Return: false if @id is 0 or its slot has been given to another task
 * since the event.
 */
bool pt_task_get(u32 id, u64 ts, struct pt_task *t)
{
	unsigned int slot = id & (PT_TASK_SLOTS - 1);

	if (!pt_tasks || !id)
		return false;
	if (!pt_task_read_slot(&pt_tasks[slot], id >> PT_TASK_SLOT_BITS, t))
		return false;
	return t->since <= ts;
}

/**
 * pt_tasks_bytes - what the task table costs
 *
 * Context: Any context.
 * Return: its bytes, 0 when off.
 */
unsigned long pt_tasks_bytes(void)
{
	return pt_tasks ? PT_TASK_SLOTS * sizeof(*pt_tasks) : 0;
}

/**
 * pt_tasks_init - allocate the task table
 *
 * Context: Process context, at load; sleeps.
 * Return: 0 or -ENOMEM.
 */
int pt_tasks_init(void)
{
	pt_tasks = vzalloc(PT_TASK_SLOTS * sizeof(*pt_tasks));
	return pt_tasks ? 0 : -ENOMEM;
}

/**
 * pt_tasks_exit - free the task table
 *
 * Context: Process context, after the hooks and readers are gone.
 */
void pt_tasks_exit(void)
{
	vfree(pt_tasks);
	pt_tasks = NULL;
}
