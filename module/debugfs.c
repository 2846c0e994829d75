// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/pagetrail/, root-only: every file and knob. What the
 * reports show comes from stats.c (stats), hooks.c (hooks), report.c
 * (lookup), views.c (dump, top) and leaks.c (show_stacks, growth,
 * top_free); commands are parsed here.
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

/* ==== Reports ==== */

static int pt_stats_file_show(struct seq_file *m, void *v)
{
	pt_stats_show(m, v);
	seq_printf(m, "kretprobe_calls_missed: %lu\n", pt_hooks_missed());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pt_stats_file);

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

DEFINE_SEQ_ATTRIBUTE(pt_dump);

#define PT_TOP_MAX	1000	/* most stacks top_count may ask for */
#define PT_TOP_DEFAULT	10
#define PT_TOP_CMD_MAX	16	/* longest top_count write */

static unsigned int pt_top_n = PT_TOP_DEFAULT;

static int pt_top_show(struct seq_file *m, void *v)
{
	return pt_top_print(m, READ_ONCE(pt_top_n));
}
DEFINE_SHOW_ATTRIBUTE(pt_top);

static int pt_top_free_show(struct seq_file *m, void *v)
{
	return pt_top_free_print(m, READ_ONCE(pt_top_n));
}
DEFINE_SHOW_ATTRIBUTE(pt_top_free);

/* page_owner's names: page_owner_stacks/show_stacks and count_threshold. */
DEFINE_SEQ_ATTRIBUTE(pt_show_stacks);

static int pt_threshold_get(void *data, u64 *val)
{
	*val = READ_ONCE(pt_count_threshold);
	return 0;
}

static int pt_threshold_set(void *data, u64 val)
{
	if (val > INT_MAX) {
		pr_warn_ratelimited("count_threshold: expected 0..%d\n",
				    INT_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(pt_count_threshold, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pt_threshold_fops, pt_threshold_get,
			 pt_threshold_set, "%llu\n");

/* ==== Reading commands from user space ==== */

/*
 * Copy a short text command from user space, NUL-terminated, to kfree().
 * Too long or binary (an embedded NUL) is refused rather than cut, so that
 * nothing is half-parsed.
 */
static char *pt_user_cmd(const char __user *ubuf, size_t count, size_t max,
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
		if (!pt_addr_to_pfn(val, pfn, NULL))
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

/* ==== top_count ==== */

static int pt_top_count_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%u\n", READ_ONCE(pt_top_n));
	return 0;
}

static int pt_top_count_open(struct inode *inode, struct file *file)
{
	return single_open(file, pt_top_count_show, NULL);
}

static ssize_t pt_top_count_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned int n;
	char *buf;
	int ret;

	buf = pt_user_cmd(ubuf, count, PT_TOP_CMD_MAX, "top_count");
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = kstrtouint(buf, 0, &n);
	kfree(buf);
	if (ret || !n || n > PT_TOP_MAX) {
		pr_warn_ratelimited("top_count: expected 1..%d\n", PT_TOP_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(pt_top_n, n);
	return count;
}

static const struct file_operations pt_top_count_fops = {
	.owner = THIS_MODULE,
	.open = pt_top_count_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = pt_top_count_write,
	.release = single_release,
};

/* ==== growth: read the growth since the mark, write "mark" ==== */

#define PT_GROWTH_CMD_MAX	16

static int pt_growth_show(struct seq_file *m, void *v)
{
	return pt_growth_print(m);
}

static int pt_growth_open(struct inode *inode, struct file *file)
{
	return single_open(file, pt_growth_show, NULL);
}

static ssize_t pt_growth_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char *buf = pt_user_cmd(ubuf, count, PT_GROWTH_CMD_MAX, "growth");
	bool mark;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mark = sysfs_streq(buf, "mark");
	kfree(buf);
	if (!mark) {
		pr_warn_ratelimited("growth: the only command is 'mark'\n");
		return -EINVAL;
	}
	pt_leaks_mark();
	return count;
}

static const struct file_operations pt_growth_fops = {
	.owner = THIS_MODULE,
	.open = pt_growth_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = pt_growth_write,
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
	debugfs_create_file("stats", 0400, pt_dir_dentry, NULL,
			    &pt_stats_file_fops);
	debugfs_create_file("hooks", 0400, pt_dir_dentry, NULL,
			    &pt_hooks_file_fops);
	debugfs_create_file("lookup", 0600, pt_dir_dentry, NULL,
			    &pt_lookup_fops);
	debugfs_create_file("dump", 0400, pt_dir_dentry, NULL, &pt_dump_fops);
	debugfs_create_file("top", 0400, pt_dir_dentry, NULL, &pt_top_fops);
	debugfs_create_file("top_count", 0600, pt_dir_dentry, NULL,
			    &pt_top_count_fops);
	debugfs_create_file("top_free", 0400, pt_dir_dentry, NULL,
			    &pt_top_free_fops);
	debugfs_create_file("show_stacks", 0400, pt_dir_dentry, NULL,
			    &pt_show_stacks_fops);
	debugfs_create_file_unsafe("count_threshold", 0600, pt_dir_dentry,
				   NULL, &pt_threshold_fops);
	debugfs_create_file("growth", 0600, pt_dir_dentry, NULL,
			    &pt_growth_fops);
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
