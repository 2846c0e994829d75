// SPDX-License-Identifier: GPL-2.0
/*
 * pt_fuzz: malformed writes to pagetrail's writable debugfs files and
 * runtime module parameters, from several processes at once.
 *
 * Inputs known to be bad must be refused with EINVAL or ERANGE, inputs known
 * to be good must be accepted, and random or mutated bytes may go either way
 * (refused only with EINVAL or ERANGE) but must leave a valid value behind.
 * The kernel must not splat; the host checks the serial log for that.
 *
 *   pt_fuzz -p PFN [-n WRITES] [-j WRITERS] [-s SEED]
 *
 * PFN is a page the lookup file accepts. Prints kselftest TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#define DBG	"/sys/kernel/debug/pagetrail/"
#define PARAM	"/sys/module/pagetrail/parameters/"
#define MAXLEN	(128 * 1024)

enum kind { GOOD, BAD, ANY };

/* An input with its length: some carry an embedded NUL. */
struct input {
	const char *s;
	size_t len;
};
#define IN(str)	{ str, sizeof(str) - 1 }

struct target {
	const char *name;
	const char *path;
	const struct input *good;
	const struct input *bad;
};

static const struct input bool_good[] = {
	IN("0"), IN("1"), IN("y"), IN("n"), IN("Y\n"), IN("N\n"), IN("on"),
	IN("off\n"), IN("true"), IN("false"), { NULL }
};
static const struct input bool_bad[] = {
	IN("\n"), IN("2"), IN("-1"), IN("10"), IN("yy"), IN("yes please"),
	IN("o"), IN("onn"), IN("0x1"), IN(" 1 1"), IN("\x01"), IN("\xff\xfe"),
	IN("truex"), IN("-0x"), IN("1e3"), IN("99999999999999999999"), { NULL }
};
static const struct input top_good[] = {
	IN("1"), IN("10\n"), IN("0x10"), IN("64"), { NULL }
};
static const struct input top_bad[] = {
	IN(""), IN("\n"), IN("0"), IN("-1"), IN("abc"), IN("1 2"),
	IN("99999999999"), IN("0x"), IN("+"), IN("1.5"),
	IN("18446744073709551616"), IN("5\0005"), IN("\x80\x81"), { NULL }
};
static const struct input sample_good[] = {
	IN("1"), IN("16\n"), IN("0x10"), IN("65536"), { NULL }
};
/* Not "": a write of no bytes to sysfs never reaches the parameter. */
static const struct input sample_bad[] = {
	IN("\n"), IN("0"), IN("65537"), IN("-1"), IN("abc"), IN("1 2"),
	IN("0x"), IN("1.5"), IN("4294967297"), IN("\x80"),
	{ NULL }
};
/* "%lx" is replaced by the known-good pfn. */
static const struct input lookup_good[] = {
	IN("pfn 0x%lx"), IN("pfn 0x%lx\n"), IN("  pfn   0x%lx\t"),
	IN("phys 0x%lx000"), { NULL }
};
static const struct input lookup_bad[] = {
	IN(""), IN("\n"), IN("pfn"), IN("pfn\n"), IN("pfn "), IN("pfn 0x"),
	IN("pfn -1"), IN("pfn 0xzz"), IN("pfn 12abc"), IN("PFN 0x1"),
	IN("pfnx 1"), IN("pfn 1 2"), IN("phys"), IN("virt"), IN("virt 0xg"),
	IN("pfn 0x1\0garbage"), IN("pfn 99999999999999999999999"),
	IN("pfn 0xffffffffffff"), IN("phys 0xfffffffffffff000"),
	IN("virt 0x1000"), IN("virt 0"), IN("pfn\t"), IN("\xff\xfe\xfd"),
	IN("lookup pfn 1"), { NULL }
};

static struct target targets[] = {
	{ "lookup", DBG "lookup", lookup_good, lookup_bad },
	{ "top_count", DBG "top_count", top_good, top_bad },
	{ "enabled", PARAM "enabled", bool_good, bool_bad },
	{ "print_on_report", PARAM "print_on_report", bool_good, bool_bad },
	{ "sample", PARAM "sample", sample_good, sample_bad },
};
#define NR_TARGETS	((int)ARRAY_SIZE(targets))

struct tally {
	long writes, refused, accepted;
	long good_refused, bad_accepted, bad_errno;
	char first_error[160];
};

static unsigned long good_pfn;
static struct tally *tallies;	/* shared: [writer * NR_TARGETS + target] */

static void note(struct tally *t, const char *fmt, const char *what, int err)
{
	if (!t->first_error[0])
		snprintf(t->first_error, sizeof(t->first_error), fmt, what,
			 strerror(err));
}

/* One write to a fresh descriptor, as "echo >file" does. */
static void try_write(const struct target *tg, struct tally *t, enum kind k,
		      const char *buf, size_t len)
{
	char shown[40];
	ssize_t ret;
	int fd, err;

	fd = open(tg->path, O_WRONLY);
	if (fd < 0) {
		note(t, "open %s: %s", tg->path, errno);
		t->bad_errno++;
		return;
	}
	ret = write(fd, buf, len);
	err = errno;
	close(fd);
	t->writes++;
	snprintf(shown, sizeof(shown), "%.*s", (int)(len < 24 ? len : 24), buf);
	for (char *c = shown; *c; c++)
		if (*c < ' ' || *c > '~')
			*c = '?';
	if (ret >= 0) {
		t->accepted++;
		if (k == BAD) {
			t->bad_accepted++;
			note(t, "accepted bad input '%s'%s", shown, 0);
		}
		return;
	}
	t->refused++;
	if (err != EINVAL && err != ERANGE) {
		t->bad_errno++;
		note(t, "'%s' refused with %s", shown, err);
	} else if (k == GOOD) {
		t->good_refused++;
		note(t, "refused good input '%s': %s", shown, err);
	}
}

static size_t random_input(char *buf, unsigned int *seed)
{
	static const char alpha[] = "pfnhysvirt0x123456789abcdefXYZ -+\n\t";
	size_t len, i;

	switch (rand_r(seed) % 4) {
	case 0:		/* binary */
		len = 1 + rand_r(seed) % 200;
		for (i = 0; i < len; i++)
			buf[i] = rand_r(seed);
		return len;
	case 1:		/* overlong */
		len = 64 + rand_r(seed) % (MAXLEN - 64);
		memset(buf, '0' + rand_r(seed) % 10, len);
		memcpy(buf, "pfn 0x", 6);
		return len;
	default:	/* plausible text */
		len = 1 + rand_r(seed) % 24;
		for (i = 0; i < len; i++)
			buf[i] = alpha[rand_r(seed) % (sizeof(alpha) - 1)];
		return len;
	}
}

static void writer(int id, long n, unsigned int seed)
{
	static char buf[MAXLEN];
	long i;

	for (i = 0; i < n; i++) {
		unsigned int ti = rand_r(&seed) % NR_TARGETS;
		const struct target *tg = &targets[ti];
		struct tally *t = &tallies[id * NR_TARGETS + ti];
		const struct input *list, *in;
		enum kind k;
		size_t cnt, len;
		int r = rand_r(&seed) % 8;

		if (r < 2) {
			list = tg->good;
			k = GOOD;
		} else if (r < 5) {
			list = tg->bad;
			k = BAD;
		} else {
			len = random_input(buf, &seed);
			try_write(tg, t, ANY, buf, len);
			continue;
		}
		for (cnt = 0; list[cnt].s; cnt++)
			;
		in = &list[rand_r(&seed) % cnt];
		if (strstr(in->s, "%lx")) {
			len = snprintf(buf, sizeof(buf), in->s, good_pfn);
		} else {
			len = in->len;
			memcpy(buf, in->s, len);
		}
		try_write(tg, t, k, buf, len);
	}
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int main(int argc, char **argv)
{
	long writes = 10000, total = 0;
	unsigned int seed = 1;
	int jobs = 4, opt, i, j;
	char buf[4096];

	while ((opt = getopt(argc, argv, "p:n:j:s:")) != -1) {
		switch (opt) {
		case 'p':
			good_pfn = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			writes = atol(optarg);
			break;
		case 'j':
			jobs = atoi(optarg);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			ksft_exit_fail_msg("usage: pt_fuzz -p PFN [-n WRITES] [-j WRITERS] [-s SEED]\n");
		}
	}
	if (!good_pfn || jobs < 1 || jobs > 64 || writes < jobs)
		ksft_exit_fail_msg("need -p PFN, 1..64 writers, writes >= writers\n");

	ksft_print_header();
	ksft_set_plan(NR_TARGETS + 1);
	tallies = mmap(NULL, sizeof(*tallies) * NR_TARGETS * jobs,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tallies == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	for (j = 0; j < jobs; j++) {
		pid_t pid = fork();

		if (pid < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		if (!pid) {
			writer(j, writes / jobs, seed + j);
			_exit(0);
		}
	}
	for (j = 0; j < jobs; j++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			ksft_exit_fail_msg("a writer died (status 0x%x)\n", status);
	}

	for (i = 0; i < NR_TARGETS; i++) {
		struct tally sum = { 0 };
		const char *err = "";

		for (j = 0; j < jobs; j++) {
			struct tally *t = &tallies[j * NR_TARGETS + i];

			sum.writes += t->writes;
			sum.refused += t->refused;
			sum.accepted += t->accepted;
			sum.good_refused += t->good_refused;
			sum.bad_accepted += t->bad_accepted;
			sum.bad_errno += t->bad_errno;
			if (!*err && t->first_error[0])
				err = t->first_error;
		}
		total += sum.writes;
		ksft_print_msg("%s: %ld writes, %ld refused, %ld accepted, %ld good refused, %ld bad accepted, %ld other errors%s%s\n",
			       targets[i].name, sum.writes, sum.refused,
			       sum.accepted, sum.good_refused, sum.bad_accepted,
			       sum.bad_errno, *err ? ": " : "", err);
		ksft_test_result(sum.writes > 0 && !sum.good_refused &&
				 !sum.bad_accepted && !sum.bad_errno,
				 "%s: %ld writes: malformed ones refused with EINVAL/ERANGE, good ones accepted\n",
				 targets[i].name, sum.writes);
	}

	/* Whatever was accepted, the boolean ones still read as a boolean. */
	for (i = 0; i < NR_TARGETS; i++) {
		if (targets[i].good != bool_good)
			continue;
		if (read_file(targets[i].path, buf, sizeof(buf)) < 0 ||
		    (strcmp(buf, "Y\n") && strcmp(buf, "N\n")))
			break;
	}
	ksft_test_result(i == NR_TARGETS && read_file(DBG "top", buf, sizeof(buf)) >= 0 &&
			 read_file(DBG "lookup", buf, sizeof(buf)) >= 0,
			 "parameters read back Y or N, top and lookup still read\n");
	ksft_print_msg("total writes: %ld from %d writers\n", total, jobs);
	ksft_finished();
}
