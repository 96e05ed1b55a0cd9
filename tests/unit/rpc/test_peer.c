/*
 * A peer that dies: the server is a forked child (its own scheduler and
 * context), killed with SIGKILL by PID. Calls in flight and calls made after
 * must end with -DER_UNREACH, promptly, never a hang. Twice: over the
 * transports UCX picks for a peer on this host (shared memory, where UCX
 * reports no dead peer and the pidfd we watch does), and over tcp alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <gurt/common.h>
#include "common/proto.h"
#include "rpc/rpc_internal.h"
#include "rpc_harness.h"

static void
h_hang(struct rpc_req *req, void *arg)
{
	(void)arg;
	/* Never replies in time: the parent kills us meanwhile. */
	sched_sleep_ns(sched_current(), 30ull * 1000 * 1000 * 1000);
	rpc_reply(req, 0, NULL, 0, NULL);
}

static void
child_setup(struct th_server *ts)
{
	rpc_register(ts->ts_ctx, 100, h_hang, NULL);
}

/* The child: serve until killed; the address goes up the pipe. */
static void
child(int wfd)
{
	struct th_server ts = {.ts_setup = child_setup};
	uint32_t         len;

	if (th_start(&ts) != 0)
		_exit(1);
	len = (uint32_t)ts.ts_addr_len;
	if (write(wfd, &len, sizeof(len)) != sizeof(len) ||
	    write(wfd, ts.ts_addr, len) != (ssize_t)len)
		_exit(1);
	for (;;)
		pause();
}

static pid_t
spawn(uint8_t *addr, size_t *len)
{
	int      fds[2];
	uint32_t l;
	pid_t    pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(fds[1]);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &l, sizeof(l)), sizeof(l));
	assert_true(l <= 4096);
	assert_int_equal(read(fds[0], addr, l), (ssize_t)l);
	close(fds[0]);
	*len = l;
	return pid;
}

static int
ping(struct rpc_ep *ep, int timeout_ms)
{
	uint64_t        v    = 42;
	struct rpc_call call = {.rc_opcode = RPC_OPC_SELFTEST_PING, .rc_body = &v,
				.rc_body_len = 8, .rc_timeout_ms = timeout_ms};
	int             rc   = rpc_call_wait(ep, &call);

	rpc_call_fini(&call);
	return rc;
}

struct outcome {
	int n;
	int rc;
};

static void
outcome_cb(struct rpc_call *call, void *arg)
{
	struct outcome *o = arg;

	o->n++;
	o->rc = call->rc_rc;
}

static void
peer_killed(const char *tls)
{
	uint8_t         addr[4096];
	size_t          len;
	struct rpc_ctx *cli;
	struct rpc_ep  *ep;
	struct rpc_ep  *ep2;
	struct rpc_call call = {.rc_opcode = 100, .rc_timeout_ms = 20000};
	struct outcome  o    = {0};
	uint64_t        t0;
	pid_t           pid;
	int             status;
	int             rc;

	/* Before any UCX context: the child inherits it too. */
	if (tls != NULL)
		setenv("UCX_TLS", tls, 1);
	else
		unsetenv("UCX_TLS");
	pid = spawn(addr, &len);
	cli = th_client();
	assert_non_null(cli);
	assert_int_equal(rpc_ep_connect(cli, addr, len, &ep), 0);
	/* another process on this host: its end is watched, whatever the transport */
	assert_true(ep->ep_watched);
	assert_int_equal(ping(ep, 5000), 0);
	assert_int_equal(rpc_call_start(ep, &call, outcome_cb, &o), 0);
	rpc_progress(cli, 100);
	assert_int_equal(o.n, 0);

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	t0 = rpc_now_ns();
	while (o.n == 0 && rpc_now_ns() - t0 < 15ull * 1000 * 1000 * 1000)
		rpc_progress(cli, 1000);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.rc, -DER_UNREACH);
	assert_true(rpc_ep_failed(ep));
	/* later calls on the failed endpoint fail at once */
	assert_int_equal(ping(ep, 5000), -DER_UNREACH);
	/* a new endpoint to the dead address: the call fails, it does not hang */
	rc = rpc_ep_connect(cli, addr, len, &ep2);
	if (rc == 0) {
		assert_ptr_not_equal(ep2, ep);
		rc = ping(ep2, 10000);
	}
	print_message("call to the dead address: %d\n", rc);
	assert_true(rc == -DER_UNREACH || rc == -DER_TIMEDOUT);
	rpc_ctx_destroy(cli);
}

static void
test_peer_killed_local(void **state)
{
	(void)state;
	peer_killed(NULL);
}

static void
test_peer_killed_tcp(void **state)
{
	(void)state;
	peer_killed("tcp");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_peer_killed_local),
	    cmocka_unit_test(test_peer_killed_tcp),
	};

	return cmocka_run_group_tests_name("rpc_peer", tests, NULL, NULL);
}
