// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pagetrail/: stats, hooks and lookup. Root-only.
 */
#include <linux/debugfs.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pagetrail.h"

static struct dentry *pt_dir_dentry;

/* The pfn chosen by the last write to "lookup"; ULONG_MAX: none. */
static unsigned long pt_lookup_pfn = ULONG_MAX;
static DEFINE_MUTEX(pt_lookup_lock);

static int pt_stats_show(struct seq_file *m, void *v)
{
	unsigned long pages = pt_table_pages(), bytes = pt_table_bytes();
	struct pt_stats s;

	pt_stats_sum(&s);
	seq_printf(m, "mode: %s\n", pt_mode == PT_MODE_BOTH ? "both" : "last");
	seq_printf(m, "enabled: %d\n", READ_ONCE(pt_enabled));
	seq_printf(m, "pages_covered: %lu\n", pages);
	seq_printf(m, "table_bytes: %lu\n", bytes);
	seq_printf(m, "directory_bytes: %lu\n", pt_table_dir_bytes());
	seq_printf(m, "entry_bytes_per_page: %u\n", pt_table_entry_size());
	/* Fixed point, three decimals: the directory adds a little. */
	seq_printf(m, "table_millibytes_per_page: %lu\n",
		   pages ? bytes * 1000 / pages : 0);
	seq_printf(m, "alloc_events: %lu\n", s.events[PT_ALLOC]);
	seq_printf(m, "free_events: %lu\n", s.events[PT_FREE]);
	seq_printf(m, "depot_failures: %lu\n", s.no_stack);
	seq_printf(m, "recursion_skips: %lu\n", s.recursion);
	seq_printf(m, "nmi_skips: %lu\n", s.nmi);
	seq_printf(m, "dedup_skips: %lu\n", s.dedup);
	seq_printf(m, "untracked_pfn: %lu\n", s.untracked);
	seq_printf(m, "depot_nolock_failures: %lu\n", s.depot_nolock_failed);
	seq_printf(m, "depot_topups: %lu\n", s.depot_topups);
	seq_printf(m, "depot_nolock_save: %s\n", pt_stack_nolock_via());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pt_stats);

static int pt_hooks_file_show(struct seq_file *m, void *v)
{
	pt_hooks_show(m);
	seq_puts(m, "report: ");
	pt_hook_show(m, &pt_report_hook);
	seq_puts(m, "vmalloc: ");
	pt_hook_show(m, &pt_vfree_hook);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pt_hooks_file);

static int pt_lookup_show(struct seq_file *m, void *v)
{
	unsigned long pfn;

	mutex_lock(&pt_lookup_lock);
	pfn = pt_lookup_pfn;
	mutex_unlock(&pt_lookup_lock);
	if (pfn == ULONG_MAX)
		seq_puts(m, "write 'pfn 0x...', 'phys 0x...' or 'virt 0x...' first\n");
	else
		pt_print_pfn(m, pfn);
	return 0;
}

static int pt_lookup_open(struct inode *inode, struct file *file)
{
	return single_open(file, pt_lookup_show, NULL);
}

/* Parse "pfn N", "phys N" or "virt N" into a pfn. */
static int pt_lookup_parse(char *buf, unsigned long *pfn)
{
	static const char *const kw[] = { "pfn", "phys", "virt" };
	unsigned long val;
	char *arg;
	int i;

	arg = strim(buf);
	for (i = 0; i < ARRAY_SIZE(kw); i++) {
		size_t len = strlen(kw[i]);

		if (!strncmp(arg, kw[i], len) && isspace(arg[len]))
			break;
	}
	if (i == ARRAY_SIZE(kw))
		return -EINVAL;
	if (kstrtoul(skip_spaces(arg + strlen(kw[i])), 0, &val))
		return -EINVAL;
	switch (i) {
	case 0:
		*pfn = val;
		break;
	case 1:
		*pfn = PHYS_PFN(val);
		break;
	default:
		if (!pt_addr_to_pfn(val, pfn))
			return -ERANGE;
	}
	if (!pfn_valid(*pfn) || !pt_table_covers(*pfn))
		return -ERANGE;
	return 0;
}

/*
 * Copy a short text command from user space: too long or binary (an
 * embedded NUL) is refused rather than cut, so nothing is half-parsed.
 */
int pt_copy_cmd(char *buf, size_t size, const char __user *ubuf,
		size_t count, const char *file)
{
	if (count >= size) {
		pr_warn_ratelimited("pagetrail: %s: input too long\n", file);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count) {
		pr_warn_ratelimited("pagetrail: %s: binary input\n", file);
		return -EINVAL;
	}
	return 0;
}

static ssize_t pt_lookup_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[64];
	unsigned long pfn;
	int ret;

	ret = pt_copy_cmd(buf, sizeof(buf), ubuf, count, "lookup");
	if (ret)
		return ret;
	ret = pt_lookup_parse(buf, &pfn);
	if (ret == -EINVAL)
		pr_warn_ratelimited("pagetrail: lookup: expected 'pfn|phys|virt <number>'\n");
	if (ret)
		return ret;
	mutex_lock(&pt_lookup_lock);
	pt_lookup_pfn = pfn;
	mutex_unlock(&pt_lookup_lock);
	return count;
}

static const struct file_operations pt_lookup_fops = {
	.owner = THIS_MODULE,
	.open = pt_lookup_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = pt_lookup_write,
	.release = single_release,
};

void pt_debugfs_init(void)
{
	pt_dir_dentry = debugfs_create_dir("pagetrail", NULL);
	debugfs_create_file("stats", 0400, pt_dir_dentry, NULL, &pt_stats_fops);
	debugfs_create_file("hooks", 0400, pt_dir_dentry, NULL,
			    &pt_hooks_file_fops);
	debugfs_create_file("lookup", 0600, pt_dir_dentry, NULL,
			    &pt_lookup_fops);
	pt_dump_init(pt_dir_dentry);
}

void pt_debugfs_exit(void)
{
	debugfs_remove_recursive(pt_dir_dentry);
}
