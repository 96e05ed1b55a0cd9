/*
 * TCP bootstrap: one request (a wire header, opcode RPC_OPC_BOOT_ATTACH) and
 * one answer (a reply header and the provider's body) per connection. The
 * server side runs as ULTs doing their socket I/O through the scheduler's
 * io_uring; the client side is a blocking socket bounded by poll().
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <gurt/common.h>
#include "sched/sched.h"
#include "rpc/rpc_internal.h"

/* A connection that does not deliver its request within this is dropped. */
#define RPC_BOOT_IO_TIMEOUT_MS 2000
/* How often the accept ULT looks at rpc_boot_close(): the only wake-up of an idle listener. */
#define RPC_BOOT_ACCEPT_TICK_MS 200

struct rpc_boot {
	struct sched      *b_sched;
	int                b_fd;
	rpc_boot_provide_t b_provide;
	void              *b_arg;
	int                b_refs;    /* accept ULT + connection ULTs */
	bool               b_closing;
};

struct rpc_boot_conn {
	struct rpc_boot *bc_boot;
	int              bc_fd;
};

static int
rpc_boot_resolve(const char *addr, uint16_t port, struct sockaddr_in *sin)
{
	struct addrinfo  hints = {0};
	struct addrinfo *res   = NULL;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port   = htons(port);
	if (addr == NULL || addr[0] == '\0')
		return -DER_INVAL;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1)
		return 0;
	hints.ai_family   = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0 || res == NULL)
		return -DER_INVAL;
	sin->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

static void
rpc_boot_put(struct rpc_boot *boot)
{
	if (--boot->b_refs > 0)
		return;
	close(boot->b_fd);
	D_FREE(boot);
}

/* One socket operation through the ring, bounded by a linked timeout. */
static int
rpc_boot_io(struct sched *s, struct io_uring_sqe *sqe, int timeout_ms)
{
	struct __kernel_timespec ts = {
	    .tv_sec  = timeout_ms / 1000,
	    .tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
	};
	struct io_uring_sqe *sqes[2];
	int                  res[2];

	sqes[0] = sqe;
	sqe->flags |= IOSQE_IO_LINK;
	sqes[1] = sched_get_sqe(s);
	io_uring_prep_link_timeout(sqes[1], &ts, 0);
	sched_io_wait_n(s, sqes, 2, res);
	/* A fired timeout cancels the operation: it reports -ECANCELED. */
	return res[0] == -ECANCELED ? -ETIMEDOUT : res[0];
}

static int
rpc_boot_xfer(struct sched *s, int fd, void *buf, size_t len, bool send)
{
	size_t done = 0;

	while (done < len) {
		struct io_uring_sqe *sqe = sched_get_sqe(s);
		int                  n;

		if (send)
			io_uring_prep_send(sqe, fd, (uint8_t *)buf + done, len - done, MSG_NOSIGNAL);
		else
			io_uring_prep_recv(sqe, fd, (uint8_t *)buf + done, len - done, 0);
		n = rpc_boot_io(s, sqe, RPC_BOOT_IO_TIMEOUT_MS);
		if (n <= 0)
			return n == 0 ? -DER_PROTO : d_errno2der(-n);
		done += (size_t)n;
	}
	return 0;
}

static void
rpc_boot_conn_ult(void *arg)
{
	struct rpc_boot_conn *bc   = arg;
	struct rpc_boot      *boot = bc->bc_boot;
	struct sched         *s    = boot->b_sched;
	uint8_t               hdr[RPC_WIRE_HDR_LEN];
	struct rpc_wire_hdr   h;
	struct rpc_wire_hdr   r    = {0};
	void                 *body = NULL;
	uint32_t              len  = 0;
	int                   rc;

	rc = rpc_boot_xfer(s, bc->bc_fd, hdr, sizeof(hdr), false);
	if (rc != 0)
		goto out;
	rc = rpc_wire_decode(hdr, sizeof(hdr), 0, &h);
	if (rc != 0 || (h.wh_flags & RPC_WF_REPLY) || boot->b_closing)
		goto out; /* not one of ours: close without a word */
	r.wh_magic   = RPC_MAGIC;
	r.wh_version = RPC_PROTO_VERSION;
	r.wh_opcode  = h.wh_opcode;
	r.wh_flags   = RPC_WF_REPLY;
	r.wh_req_id  = h.wh_req_id;
	if (h.wh_opcode != RPC_OPC_BOOT_ATTACH)
		r.wh_status = -DER_NOSYS;
	else
		r.wh_status = boot->b_provide(boot->b_arg, &body, &len);
	if (r.wh_status != 0 || len > RPC_BODY_MAX) {
		if (r.wh_status == 0)
			r.wh_status = -DER_OVERFLOW;
		len = 0;
	}
	r.wh_body_len = len;
	rpc_wire_encode(&r, hdr);
	rc = rpc_boot_xfer(s, bc->bc_fd, hdr, sizeof(hdr), true);
	if (rc == 0 && len > 0)
		rc = rpc_boot_xfer(s, bc->bc_fd, body, len, true);
out:
	if (rc != 0)
		D_DEBUG(DB_NET, "bootstrap connection dropped: " DF_RC "\n", DP_RC(rc));
	D_FREE(body);
	close(bc->bc_fd);
	D_FREE(bc);
	rpc_boot_put(boot);
}

static void
rpc_boot_accept_ult(void *arg)
{
	struct rpc_boot *boot = arg;
	struct sched    *s    = boot->b_sched;

	while (!boot->b_closing && !sched_stopping(s)) {
		struct io_uring_sqe  *sqe = sched_get_sqe(s);
		struct rpc_boot_conn *bc;
		int                   fd;
		int                   n;

		io_uring_prep_poll_add(sqe, boot->b_fd, POLLIN);
		n = rpc_boot_io(s, sqe, RPC_BOOT_ACCEPT_TICK_MS);
		if (n < 0 || boot->b_closing)
			continue;
		fd = accept4(boot->b_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		D_ALLOC_PTR(bc);
		if (bc == NULL) {
			close(fd);
			continue;
		}
		bc->bc_boot = boot;
		bc->bc_fd   = fd;
		boot->b_refs++;
		if (sched_ult_create(s, rpc_boot_conn_ult, bc) != 0) {
			boot->b_refs--;
			close(fd);
			D_FREE(bc);
		}
	}
	rpc_boot_put(boot);
}

int
rpc_boot_listen(struct sched *sched, const char *addr, uint16_t port, rpc_boot_provide_t provide,
		void *arg, uint16_t *port_out, struct rpc_boot **bootp)
{
	struct sockaddr_in sin;
	socklen_t          slen = sizeof(sin);
	struct rpc_boot   *boot;
	int                one = 1;
	int                fd;
	int                rc;

	if (sched == NULL || provide == NULL || bootp == NULL)
		return -DER_INVAL;
	rc = rpc_boot_resolve(addr, port, &sin);
	if (rc != 0)
		return rc;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return d_errno2der(errno);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		rc = errno == EADDRINUSE ? -DER_BUSY
		     : errno == EACCES   ? -DER_NO_PERM
		     : errno == EADDRNOTAVAIL ? -DER_INVAL
					      : d_errno2der(errno);
		D_ERROR("bootstrap: cannot bind %s:%u: %s\n", addr, port, strerror(errno));
		goto fail;
	}
	if (listen(fd, 128) != 0 || getsockname(fd, (struct sockaddr *)&sin, &slen) != 0) {
		rc = d_errno2der(errno);
		goto fail;
	}
	D_ALLOC_PTR(boot);
	if (boot == NULL) {
		rc = -DER_NOMEM;
		goto fail;
	}
	boot->b_sched   = sched;
	boot->b_fd      = fd;
	boot->b_provide = provide;
	boot->b_arg     = arg;
	boot->b_refs    = 2; /* the caller's handle and the accept ULT */
	rc              = sched_ult_create(sched, rpc_boot_accept_ult, boot);
	if (rc != 0) {
		D_FREE(boot);
		goto fail;
	}
	if (port_out != NULL)
		*port_out = ntohs(sin.sin_port);
	*bootp = boot;
	return 0;
fail:
	close(fd);
	return rc;
}

void
rpc_boot_close(struct rpc_boot *boot)
{
	if (boot == NULL)
		return;
	/* The ULTs see the flag within a tick; the last one frees the listener. */
	boot->b_closing = true;
	rpc_boot_put(boot);
}

/* ---- client side ---- */

static int
rpc_boot_wait(int fd, short events, uint64_t end_ns)
{
	for (;;) {
		uint64_t now = rpc_now_ns();
		int      rc;

		if (now >= end_ns)
			return -DER_TIMEDOUT;
		rc = poll(&(struct pollfd){.fd = fd, .events = events}, 1,
			  (int)((end_ns - now + 999999) / 1000000));
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return d_errno2der(errno);
	}
}

static int
rpc_boot_io_sync(int fd, void *buf, size_t len, bool send_it, uint64_t end_ns)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n;
		int     rc = rpc_boot_wait(fd, send_it ? POLLOUT : POLLIN, end_ns);

		if (rc != 0)
			return rc;
		if (send_it)
			n = send(fd, (uint8_t *)buf + done, len - done, MSG_NOSIGNAL);
		else
			n = recv(fd, (uint8_t *)buf + done, len - done, 0);
		if (n == 0)
			return -DER_PROTO; /* closed on us: not one of our servers */
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return errno == ECONNRESET || errno == EPIPE ? -DER_UNREACH
								     : d_errno2der(errno);
		}
		done += (size_t)n;
	}
	return 0;
}

int
rpc_boot_query(const char *addr, uint16_t port, int timeout_ms, void **body, uint32_t *len)
{
	uint64_t            end = rpc_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	struct sockaddr_in  sin;
	struct rpc_wire_hdr h   = {0};
	uint8_t             hdr[RPC_WIRE_HDR_LEN];
	uint8_t            *buf = NULL;
	socklen_t           elen;
	int                 err = 0;
	int                 fd;
	int                 rc;

	if (body == NULL || len == NULL)
		return -DER_INVAL;
	rc = rpc_boot_resolve(addr, port, &sin);
	if (rc != 0)
		return rc;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return d_errno2der(errno);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno != EINPROGRESS) {
		rc = errno == ECONNREFUSED || errno == ENETUNREACH || errno == EHOSTUNREACH
			 ? -DER_UNREACH
			 : d_errno2der(errno);
		goto out;
	}
	rc = rpc_boot_wait(fd, POLLOUT, end);
	if (rc != 0)
		goto out;
	elen = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
		rc = -DER_UNREACH;
		goto out;
	}

	h.wh_magic   = RPC_MAGIC;
	h.wh_version = RPC_PROTO_VERSION;
	h.wh_opcode  = RPC_OPC_BOOT_ATTACH;
	h.wh_req_id  = 1;
	rpc_wire_encode(&h, hdr);
	rc = rpc_boot_io_sync(fd, hdr, sizeof(hdr), true, end);
	if (rc != 0)
		goto out;
	rc = rpc_boot_io_sync(fd, hdr, sizeof(hdr), false, end);
	if (rc != 0)
		goto out;
	/* The body length is read first so the decoder can check it against itself. */
	rc = rpc_wire_decode(hdr, sizeof(hdr),
			     (uint32_t)hdr[24] | (uint32_t)hdr[25] << 8 | (uint32_t)hdr[26] << 16 |
				 (uint32_t)hdr[27] << 24,
			     &h);
	if (rc != 0 || !(h.wh_flags & RPC_WF_REPLY) || h.wh_opcode != RPC_OPC_BOOT_ATTACH ||
	    h.wh_req_id != 1) {
		rc = -DER_PROTO;
		goto out;
	}
	if (h.wh_status != 0) {
		rc = h.wh_status;
		goto out;
	}
	if (h.wh_body_len > 0) {
		D_ALLOC(buf, h.wh_body_len);
		if (buf == NULL) {
			rc = -DER_NOMEM;
			goto out;
		}
		rc = rpc_boot_io_sync(fd, buf, h.wh_body_len, false, end);
		if (rc != 0) {
			D_FREE(buf);
			goto out;
		}
	}
	*body = buf;
	*len  = h.wh_body_len;
out:
	close(fd);
	return rc;
}
