/*
 * Peers on this host. UCX 1.13 reports no failure of a peer it reaches over
 * shared memory, so an endpoint that asks for that report (error mode PEER)
 * never gets shared memory, and a local client's 1 MiB travels through the
 * loopback TCP stack twice copied. We learn instead who a peer is from its
 * address (boot id, PID namespace, PID and start time: see rpc.h) and ask the
 * kernel to tell us when that process ends: a pidfd turns readable then,
 * whatever killed it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "rpc/rpc_internal.h"

/* A small /proc file into buf (len bytes, NUL-terminated): its length, or -1. */
static ssize_t
local_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int     fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Field 22 of /proc/PID/stat: when the process started, in ticks since boot. */
static int
local_start_time(const char *path, uint64_t *start)
{
	char               buf[1024];
	char              *p;
	unsigned long long v;
	int                i;

	if (local_read(path, buf, sizeof(buf)) < 0)
		return -EIO;
	p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	if (p == NULL)
		return -EIO;
	/* the space after ')' comes before field 3 (state); 20 spaces on, field 22 */
	for (i = 3; i <= 22; i++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return -EIO;
	}
	if (sscanf(p + 1, "%llu", &v) != 1)
		return -EIO;
	*start = v;
	return 0;
}

static int
local_boot_id(uint8_t id[16])
{
	char    buf[64];
	ssize_t n;
	int     i, k = 0;

	n = local_read("/proc/sys/kernel/random/boot_id", buf, sizeof(buf));
	if (n < 0)
		return -EIO;
	for (i = 0; i < n && k < 32; i++) {
		int c = buf[i], v;

		if (c == '-')
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			break;
		id[k / 2] = (uint8_t)(k % 2 ? id[k / 2] | v : v << 4);
		k++;
	}
	return k == 32 ? 0 : -EIO;
}

int
rpc_host_id_self(struct rpc_host_id *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	/* Any part missing (no /proc): an identity no peer matches, so every
	 * peer is reached as a remote one. */
	if (local_boot_id(id->hi_boot) != 0 || stat("/proc/self/ns/pid", &st) != 0 ||
	    local_start_time("/proc/self/stat", &id->hi_start) != 0) {
		memset(id, 0, sizeof(*id));
		return -DER_NOSYS;
	}
	id->hi_pidns_dev = (uint64_t)st.st_dev;
	id->hi_pidns_ino = (uint64_t)st.st_ino;
	id->hi_pid       = (uint32_t)getpid();
	id->hi_uid       = (uint32_t)geteuid();
	return 0;
}

bool
rpc_host_id_local(const struct rpc_host_id *self, const struct rpc_host_id *peer)
{
	static const uint8_t none[16];

	return memcmp(self->hi_boot, none, sizeof(none)) != 0 &&
	       memcmp(self->hi_boot, peer->hi_boot, sizeof(peer->hi_boot)) == 0 &&
	       self->hi_pidns_dev == peer->hi_pidns_dev &&
	       self->hi_pidns_ino == peer->hi_pidns_ino && self->hi_uid == peer->hi_uid &&
	       peer->hi_pid != 0;
}

int
rpc_local_pidfd(const struct rpc_host_id *peer)
{
	char     path[64];
	uint64_t start;
	int      fd;

	fd = (int)syscall(SYS_pidfd_open, (pid_t)peer->hi_pid, 0);
	if (fd < 0) /* (a pidfd is close-on-exec from the start) */
		return errno == ESRCH ? -DER_UNREACH : -DER_NOSYS;
	/* The PID may be another's by now: the start time says whose it is.
	 * Checked after the open, so the process we hold is the one checked. */
	snprintf(path, sizeof(path), "/proc/%u/stat", peer->hi_pid);
	if (local_start_time(path, &start) != 0 || start != peer->hi_start) {
		close(fd);
		return -DER_UNREACH;
	}
	return fd;
}
