/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagetrail's lookup for the guest tools: the block for one pfn, asked
 * and read on a file of our own (lookup keeps its query per open file).
 */
#ifndef _PT_LOOKUP_H
#define _PT_LOOKUP_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PT_LOOKUP	"/sys/kernel/debug/pagetrail/lookup"

/* Fills @out with pagetrail's block for @pfn; -1 with errno on failure. */
static inline int pt_lookup(unsigned long long pfn, char *out, size_t len)
{
	char cmd[64];
	ssize_t n;
	int fd = open(PT_LOOKUP, O_RDWR);

	if (fd < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "pfn 0x%llx", pfn);
	if (write(fd, cmd, strlen(cmd)) < 0) {
		close(fd);
		return -1;
	}
	n = pread(fd, out, len - 1, 0);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return 0;
}

#endif /* _PT_LOOKUP_H */
