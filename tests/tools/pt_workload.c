// SPDX-License-Identifier: GPL-2.0
/*
 * pt_workload: a fixed guest workload for "make bench" that uses the page
 * allocator the way a system does: short processes (fork, exec, exit),
 * page-cache writes and reads of a tmpfs file set, pipe traffic. Prints
 * the CLOCK_MONOTONIC time it took: under QEMU -icount shift=0 that is
 * guest instructions, the same from run to run.
 *
 *   pt_workload [ROUNDS]	prints "PTBENCH workload ns <N> rounds <R>"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DIR_PATH	"/tmp/pt_workload"
#define FILES		8
#define FILE_BYTES	(64 * 1024)
#define PIPE_BYTES	(256 * 1024)
#define CHUNK		4096

static char buf[CHUNK];

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	printf("PTBENCH error workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A short process: fork, exec busybox's true, wait. */
static void short_process(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (!pid) {
		execl("/bin/busybox", "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("short process");
}

/* Write, read back and remove a set of files: page-cache pages. */
static void file_set(int round)
{
	char path[64];
	int i, fd, n;

	for (i = 0; i < FILES; i++) {
		snprintf(path, sizeof(path), DIR_PATH "/f%d", i);
		fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		if (fd < 0)
			die("open for write");
		memset(buf, round + i, sizeof(buf));
		for (n = 0; n < FILE_BYTES; n += CHUNK)
			if (write(fd, buf, CHUNK) != CHUNK)
				die("write");
		close(fd);
	}
	for (i = 0; i < FILES; i++) {
		snprintf(path, sizeof(path), DIR_PATH "/f%d", i);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open for read");
		while ((n = read(fd, buf, CHUNK)) > 0)
			;
		close(fd);
		if (unlink(path))
			die("unlink");
	}
}

/* PIPE_BYTES from a child through a pipe. */
static void pipe_traffic(void)
{
	int fds[2], status;
	long got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		long sent;

		close(fds[0]);
		for (sent = 0; sent < PIPE_BYTES; sent += CHUNK)
			if (write(fds[1], buf, CHUNK) != CHUNK)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, CHUNK)) > 0)
		got += n;
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0 || got != PIPE_BYTES)
		die("pipe traffic");
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 40, r;
	unsigned long long t0, t1;

	mkdir(DIR_PATH, 0700);
	/* tmpfs where the kernel has it; the initramfs's own fs otherwise */
	mount("tmpfs", DIR_PATH, "tmpfs", 0, "size=16m");
	t0 = now_ns();
	for (r = 0; r < rounds; r++) {
		short_process();
		file_set(r);
		pipe_traffic();
	}
	t1 = now_ns();
	umount(DIR_PATH);
	printf("PTBENCH workload ns %llu rounds %d\n", t1 - t0, rounds);
	return 0;
}
