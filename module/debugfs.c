// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pagetrail/: stats, hooks and lookup here; the views
 * over the whole table (dump, top) in views.c. Root-only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pagetrail.h"
#include "compat.h"

static struct dentry *pt_dir_dentry;

/* ==== stats and hooks ==== */

static int pt_stats_show(struct seq_file *m, void *v)
{
	unsigned long pages = pt_table_pages(), bytes = pt_table_bytes();
	int i;

	seq_printf(m, "mode: %s\n", pt_table_mode());
	seq_printf(m, "enabled: %d\n", static_key_enabled(&pt_enabled_key));
	seq_printf(m, "pages_covered: %lu\n", pages);
	seq_printf(m, "table_bytes: %lu\n", bytes);
	seq_printf(m, "directory_bytes: %lu\n", pt_table_dir_bytes());
	seq_printf(m, "entry_bytes_per_page: %u\n", pt_table_entry_size());
	/* Fixed point, three decimals: the directory adds a little. */
	seq_printf(m, "table_millibytes_per_page: %lu\n",
		   pages ? bytes * 1000 / pages : 0);
	for (i = 0; i < PT_NR_COUNTERS; i++)
		seq_printf(m, "%s: %lu\n", pt_counter_names[i],
			   pt_counter_sum(i));
	seq_printf(m, "depot_nolock_save: %s\n", pt_depot_nolock_via());
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

/* ==== Reading commands from user space ==== */

/**
 * pt_user_cmd - copy a short text command from user space
 * @ubuf: the user's buffer
 * @count: its length
 * @max: the longest command the file takes
 * @file: the file's name, for the warning
 *
 * Too long or binary (an embedded NUL) is refused rather than cut, so that
 * nothing is half-parsed.
 *
 * Context: Process context; may sleep.
 * Return: the command, NUL-terminated, to kfree(); or an ERR_PTR().
 */
char *pt_user_cmd(const char __user *ubuf, size_t count, size_t max,
		  const char *file)
{
	char *buf;

	if (count > max) {
		pr_warn_ratelimited("%s: input too long\n", file);
		return ERR_PTR(-EINVAL);
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return buf;
	if (strlen(buf) != count) {
		pr_warn_ratelimited("%s: binary input\n", file);
		kfree(buf);
		return ERR_PTR(-EINVAL);
	}
	return buf;
}

/* ==== lookup ==== */

#define PT_LOOKUP_MAX		64	/* longest command */
#define PT_LOOKUP_NUM_MAX	24	/* a 64-bit number in any base, + NUL */
#define PT_NO_PFN	ULONG_MAX

static const char *const pt_lookup_keys[] = {
	[PT_LOOKUP_PFN] = "pfn",
	[PT_LOOKUP_PHYS] = "phys",
	[PT_LOOKUP_VIRT] = "virt",
};

/**
 * pt_lookup_parse - parse a lookup command: "pfn N", "phys N" or "virt N"
 * @buf: the command; surrounding white space is ignored
 * @key: set to what N is
 * @val: set to N (any base kstrtoul() takes)
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for anything else.
 */
int pt_lookup_parse(const char *buf, enum pt_lookup_key *key,
		    unsigned long *val)
{
	char num[PT_LOOKUP_NUM_MAX];
	size_t len;
	int i;

	buf = skip_spaces(buf);
	for (i = 0; i < ARRAY_SIZE(pt_lookup_keys); i++) {
		len = strlen(pt_lookup_keys[i]);
		if (!strncmp(buf, pt_lookup_keys[i], len) && isspace(buf[len]))
			break;
	}
	if (i == ARRAY_SIZE(pt_lookup_keys))
		return -EINVAL;
	buf = skip_spaces(buf + len);
	/* The number, then only white space. */
	len = strcspn(buf, " \t\n\v\f\r");
	if (!len || len >= sizeof(num) || *skip_spaces(buf + len))
		return -EINVAL;
	memcpy(num, buf, len);
	num[len] = '\0';
	if (kstrtoul(num, 0, val))
		return -EINVAL;
	*key = i;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pt_lookup_parse);

/* A pfn pagetrail tracks, from a parsed command. */
static int pt_lookup_resolve(enum pt_lookup_key key, unsigned long val,
			     unsigned long *pfn)
{
	switch (key) {
	case PT_LOOKUP_PFN:
		*pfn = val;
		break;
	case PT_LOOKUP_PHYS:
		*pfn = PHYS_PFN(val);
		break;
	case PT_LOOKUP_VIRT:
		if (!pt_addr_to_pfn(val, pfn))
			return -ERANGE;
		break;
	}
	if (!pfn_valid(*pfn) || !pt_table_covers(*pfn))
		return -ERANGE;
	return 0;
}

/*
 * Each open file keeps its own pfn (m->private), so a script that writes
 * and reads on one file sees its own page whoever else uses lookup. A
 * reader that never wrote on its file gets the latest pfn anyone wrote:
 * "echo pfn N > lookup; cat lookup" from a shell.
 */
static unsigned long pt_lookup_latest = PT_NO_PFN;

static int pt_lookup_show(struct seq_file *m, void *v)
{
	unsigned long pfn = (unsigned long)m->private;

	if (pfn == PT_NO_PFN)
		pfn = READ_ONCE(pt_lookup_latest);
	if (pfn == PT_NO_PFN)
		seq_puts(m, "write 'pfn 0x...', 'phys 0x...' or 'virt 0x...' first\n");
	else
		pt_print_pfn(m, pfn);
	return 0;
}

static int pt_lookup_open(struct inode *inode, struct file *file)
{
	return single_open(file, pt_lookup_show, (void *)PT_NO_PFN);
}

static ssize_t pt_lookup_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	enum pt_lookup_key key;
	unsigned long val, pfn;
	char *buf;
	int ret;

	buf = pt_user_cmd(ubuf, count, PT_LOOKUP_MAX, "lookup");
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = pt_lookup_parse(buf, &key, &val);
	kfree(buf);
	if (ret) {
		pr_warn_ratelimited("lookup: expected 'pfn|phys|virt <number>'\n");
		return ret;
	}
	ret = pt_lookup_resolve(key, val, &pfn);
	if (ret)
		return ret;
	/* seq_file serialises this file's readers with m->lock. */
	mutex_lock(&m->lock);
	m->private = (void *)pfn;
	mutex_unlock(&m->lock);
	WRITE_ONCE(pt_lookup_latest, pfn);
	/* The next read on this file starts over, with the new page. */
	*ppos = 0;
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

/* ==== The directory ==== */

/**
 * pt_debugfs_init - create /sys/kernel/debug/pagetrail/
 *
 * Context: Process context, at load, after the hooks are attached.
 */
void pt_debugfs_init(void)
{
	pt_dir_dentry = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0400, pt_dir_dentry, NULL, &pt_stats_fops);
	debugfs_create_file("hooks", 0400, pt_dir_dentry, NULL,
			    &pt_hooks_file_fops);
	debugfs_create_file("lookup", 0600, pt_dir_dentry, NULL,
			    &pt_lookup_fops);
	pt_views_init(pt_dir_dentry);
}

/**
 * pt_debugfs_exit - remove /sys/kernel/debug/pagetrail/
 *
 * Description: Returns once no file operation of it runs any more.
 *
 * Context: Process context; sleeps.
 */
void pt_debugfs_exit(void)
{
	debugfs_remove_recursive(pt_dir_dentry);
}
