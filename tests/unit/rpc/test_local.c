/*
 * Who a peer on this host is (rpc_local.c): our host id as an address
 * carries it, which ids count as local, and the pidfd that names one live
 * process and no other: a process that has ended, or a PID whose start time
 * is not the one the address gave, is refused with -DER_UNREACH.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "rpc/rpc_internal.h"

static void
test_host_id(void **state)
{
	struct rpc_host_id self, peer, zero = {0};
	uint8_t            uaddr[37];
	void              *addr;
	size_t             len;

	(void)state;
	assert_int_equal(rpc_host_id_self(&self), 0);
	assert_int_equal(self.hi_pid, (uint32_t)getpid());
	assert_true(self.hi_start > 0);
	assert_memory_not_equal(self.hi_boot, zero.hi_boot, sizeof(zero.hi_boot));

	/* through an address and back, every field */
	memset(uaddr, 0x5a, sizeof(uaddr));
	assert_int_equal(rpc_addr_wrap(uaddr, sizeof(uaddr), &self, &addr, &len), 0);
	assert_int_equal(len, RPC_ADDR_HDR_LEN + sizeof(uaddr));
	assert_true(rpc_addr_check(addr, len));
	rpc_addr_host_id(addr, &peer);
	assert_memory_equal(&peer.hi_boot, &self.hi_boot, sizeof(self.hi_boot));
	assert_true(peer.hi_pidns_dev == self.hi_pidns_dev && peer.hi_pidns_ino == self.hi_pidns_ino);
	assert_true(peer.hi_pid == self.hi_pid && peer.hi_start == self.hi_start);
	assert_true(peer.hi_uid == (uint32_t)geteuid() && peer.hi_uid == self.hi_uid);
	assert_memory_equal((uint8_t *)addr + RPC_ADDR_HDR_LEN, uaddr, sizeof(uaddr));
	/* the checksum covers the id too */
	((uint8_t *)addr)[40] ^= 1;
	assert_false(rpc_addr_check(addr, len));
	D_FREE(addr);

	assert_true(rpc_host_id_local(&self, &peer));
	peer.hi_boot[3] ^= 0x10; /* another boot: another host */
	assert_false(rpc_host_id_local(&self, &peer));
	peer = self;
	peer.hi_pidns_ino++; /* another PID namespace: its PIDs are not ours */
	assert_false(rpc_host_id_local(&self, &peer));
	peer = self;
	peer.hi_uid++; /* another user: its memory is not ours to read */
	assert_false(rpc_host_id_local(&self, &peer));
	/* nothing known matches nothing, even itself */
	assert_false(rpc_host_id_local(&zero, &zero));
	assert_false(rpc_host_id_local(&self, &zero));
}

/* A child that waits on a pipe for its parent's word to exit. */
static pid_t
child_spawn(int *wfd, struct rpc_host_id *id)
{
	int   up[2], down[2];
	pid_t pid;

	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rpc_host_id me;
		char               c;

		close(up[0]);
		close(down[1]);
		if (rpc_host_id_self(&me) != 0 || write(up[1], &me, sizeof(me)) != sizeof(me))
			_exit(1);
		(void)read(down[0], &c, 1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	assert_int_equal(read(up[0], id, sizeof(*id)), sizeof(*id));
	close(up[0]);
	*wfd = down[1];
	return pid;
}

static void
test_pidfd(void **state)
{
	struct rpc_host_id self, kid, wrong;
	struct pollfd      pfd;
	int                wfd, fd, status;
	pid_t              pid;

	(void)state;
	assert_int_equal(rpc_host_id_self(&self), 0);
	pid = child_spawn(&wfd, &kid);
	assert_int_equal(kid.hi_pid, (uint32_t)pid);
	assert_true(rpc_host_id_local(&self, &kid));

	/* the PID with another start time: another process, however alive */
	wrong = kid;
	wrong.hi_start++;
	assert_int_equal(rpc_local_pidfd(&wrong), -DER_UNREACH);

	fd = rpc_local_pidfd(&kid);
	assert_true(fd >= 0);
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 0), 0); /* alive: nothing to read */
	close(wfd);                             /* its word to exit */
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	assert_true(pfd.revents & POLLIN);
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* reaped: the PID names nothing (or, reused, someone else) */
	assert_int_equal(rpc_local_pidfd(&kid), -DER_UNREACH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_id),
	    cmocka_unit_test(test_pidfd),
	};

	return cmocka_run_group_tests_name("rpc_local", tests, NULL, NULL);
}
