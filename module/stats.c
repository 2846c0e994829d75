// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and the "stats" file: what pagetrail recorded, skipped and
 * could not save, and what its table costs. Adding a counter takes an
 * enum entry (pagetrail.h) and its name here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "pagetrail.h"

DEFINE_PER_CPU(unsigned long [PT_NR_COUNTERS], pt_counters);

/* As "stats" prints them. */
static const char *const pt_counter_names[] = {
	[PT_CTR_ALLOC_EVENTS]		= "alloc_events",
	[PT_CTR_FREE_EVENTS]		= "free_events",
	[PT_CTR_NO_STACK]		= "depot_failures",
	[PT_CTR_RECURSION]		= "recursion_skips",
	[PT_CTR_NMI]			= "nmi_skips",
	[PT_CTR_DEDUP]			= "dedup_skips",
	[PT_CTR_UNTRACKED]		= "untracked_pfn",
	[PT_CTR_DEPOT_NOLOCK_FAILED]	= "depot_nolock_failures",
	[PT_CTR_DEPOT_TOPUPS]		= "depot_topups",
	[PT_CTR_BULK_UNSURE]		= "bulk_unsure_pages",
	[PT_CTR_TASK_BUSY]		= "task_unknown",
	[PT_CTR_STACKS_FULL]		= "stacks_full_pages",
	[PT_CTR_KERNEL_WALKS]		= "kernel_unwinds",
	[PT_CTR_SAMPLED_OUT]		= "short_stacks",
};
static_assert(ARRAY_SIZE(pt_counter_names) == PT_NR_COUNTERS);

/* Summed over all CPUs; not a snapshot. */
static unsigned long pt_counter_sum(enum pt_counter c)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(pt_counters, cpu)[c]);
	return sum;
}

/**
 * pt_stats_show - the "stats" file
 * @m: the seq_file
 * @v: unused
 *
 * Context: Process context.
 * Return: 0.
 */
int pt_stats_show(struct seq_file *m, void *v)
{
	unsigned long pages = pt_table_pages(), bytes = pt_table_bytes();
	unsigned long fixed;
	int i;

	seq_printf(m, "mode: %s\n", pt_table_mode());
	seq_printf(m, "enabled: %d\n", static_key_enabled(&pt_enabled_key));
	/* The accuracy trade-off: short_stacks below counts what it cut. */
	seq_printf(m, "sample: %u\n", READ_ONCE(pt_sample));
	seq_printf(m, "pages_covered: %lu\n", pages);
	seq_printf(m, "table_bytes: %lu\n", bytes);
	seq_printf(m, "directory_bytes: %lu\n", pt_table_dir_bytes());
	seq_printf(m, "entry_bytes_per_page: %u\n", pt_table_entry_size());
	/* Fixed point, three decimals: the directory adds a little. */
	seq_printf(m, "table_millibytes_per_page: %lu\n",
		   pages ? bytes * 1000 / pages : 0);
	/* Fixed costs, whatever the memory size. */
	seq_printf(m, "history_entries: %lu\n", pt_history_entries());
	seq_printf(m, "history_bytes: %lu\n", pt_history_bytes());
	seq_printf(m, "task_table_bytes: %lu\n", pt_tasks_bytes());
	seq_printf(m, "stack_counts_bytes: %lu\n", pt_leaks_bytes());
	fixed = pt_history_bytes() + pt_tasks_bytes() + pt_leaks_bytes();
	seq_printf(m, "total_bytes: %lu\n", bytes + fixed);
	seq_printf(m, "total_millibytes_per_page: %lu\n",
		   pages ? (bytes + fixed) * 1000 / pages : 0);
	for (i = 0; i < PT_NR_COUNTERS; i++)
		seq_printf(m, "%s: %lu\n", pt_counter_names[i],
			   pt_counter_sum(i));
	seq_printf(m, "depot_nolock_save: %s\n", pt_depot_nolock_via());
	return 0;
}
