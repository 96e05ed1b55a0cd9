/*
 * srv_devtab.c - the device table of one block device (format in
 * srv_devtab.h): encoding with bounds checks, the choice between the two
 * copies, first-fit allocation, and the O_DIRECT reads and writes.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <isa-l.h>
#include "srv_devtab.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "on-disk format is little-endian");

struct devtab_hdr {
	uint64_t th_magic;
	uint32_t th_version;
	uint32_t th_hdr_size;  /* sizeof(struct devtab_hdr) */
	uint64_t th_gen;
	uuid_t   th_sys;
	uuid_t   th_dev;
	uint32_t th_roles;
	uint32_t th_nr_ents;
	uint64_t th_dev_size;
	uint32_t th_ent_size;  /* sizeof(struct devtab_ent) */
	uint32_t th_csum;      /* CRC32C of header and entries, th_csum = 0 */
};

struct devtab_ent {
	uuid_t   te_pool;
	uint32_t te_tgt;
	uint32_t te_role;
	uint64_t te_off;
	uint64_t te_len;
};

_Static_assert(sizeof(struct devtab_hdr) == 80, "devtab header layout");
_Static_assert(sizeof(struct devtab_ent) == 40, "devtab entry layout");

#define DEVTAB_BLK 4096u

uint32_t
dss_devtab_max_ents(void)
{
	return (DSS_DEVTAB_COPY - sizeof(struct devtab_hdr)) / sizeof(struct devtab_ent);
}

size_t
dss_devtab_copy_len(uint32_t nr)
{
	size_t len = sizeof(struct devtab_hdr) + (size_t)nr * sizeof(struct devtab_ent);

	return (len + DEVTAB_BLK - 1) / DEVTAB_BLK * DEVTAB_BLK;
}

static uint32_t
devtab_csum(const void *buf, size_t len)
{
	return crc32_iscsi((unsigned char *)buf, (int)len, ~0u);
}

int
dss_devtab_encode(const struct dss_devtab *dt, uint64_t gen, void *buf, size_t len)
{
	struct devtab_hdr *th = buf;
	struct devtab_ent *te = (struct devtab_ent *)(th + 1);
	uint32_t           i;

	if (dt == NULL || buf == NULL || dt->dt_nr > dss_devtab_max_ents() ||
	    len < dss_devtab_copy_len(dt->dt_nr))
		return -DER_INVAL;
	memset(buf, 0, dss_devtab_copy_len(dt->dt_nr));
	th->th_magic    = DSS_DEVTAB_MAGIC;
	th->th_version  = DSS_DEVTAB_VERSION;
	th->th_hdr_size = sizeof(*th);
	th->th_gen      = gen;
	uuid_copy(th->th_sys, dt->dt_sys);
	uuid_copy(th->th_dev, dt->dt_dev);
	th->th_roles    = dt->dt_roles;
	th->th_nr_ents  = dt->dt_nr;
	th->th_dev_size = dt->dt_size;
	th->th_ent_size = sizeof(*te);
	for (i = 0; i < dt->dt_nr; i++) {
		uuid_copy(te[i].te_pool, dt->dt_ents[i].de_pool);
		te[i].te_tgt  = dt->dt_ents[i].de_tgt;
		te[i].te_role = dt->dt_ents[i].de_role;
		te[i].te_off  = dt->dt_ents[i].de_off;
		te[i].te_len  = dt->dt_ents[i].de_len;
	}
	th->th_csum = devtab_csum(buf, sizeof(*th) + (size_t)dt->dt_nr * sizeof(*te));
	return 0;
}

int
dss_devtab_decode(const void *buf, size_t len, struct dss_devtab *dt)
{
	const struct devtab_hdr *th = buf;
	const struct devtab_ent *te;
	struct devtab_hdr        h;
	size_t                   body;
	uint64_t                 end = DSS_DEVTAB_RESERVED;
	uint32_t                 i;

	if (buf == NULL || dt == NULL)
		return -DER_INVAL;
	if (len < sizeof(*th) || th->th_magic != DSS_DEVTAB_MAGIC)
		return -DER_NONEXIST;
	/* before the checksum: a newer format may checksum differently */
	if (th->th_version > DSS_DEVTAB_VERSION)
		return -DER_DF_INCOMPT;
	if (th->th_version == 0 || th->th_hdr_size != sizeof(*th) ||
	    th->th_ent_size != sizeof(*te) || th->th_nr_ents > dss_devtab_max_ents())
		return -DER_DF_INVAL;
	body = sizeof(*th) + (size_t)th->th_nr_ents * sizeof(*te);
	if (body > len)
		return -DER_DF_INVAL;
	h         = *th;
	h.th_csum = 0;
	{
		uint32_t c = crc32_iscsi((unsigned char *)&h, sizeof(h), ~0u);

		c = crc32_iscsi((unsigned char *)(th + 1), (int)(body - sizeof(*th)), c);
		if (c != th->th_csum)
			return -DER_DF_INVAL;
	}
	if (th->th_roles == 0 || th->th_roles >= (1u << DSS_DEV_ROLE_NR) ||
	    th->th_dev_size < DSS_DEVTAB_RESERVED || uuid_is_null(th->th_sys))
		return -DER_DF_INVAL;
	te = (const struct devtab_ent *)(th + 1);
	for (i = 0; i < th->th_nr_ents; i++) {
		if (te[i].te_role >= DSS_DEV_ROLE_NR || !(th->th_roles & (1u << te[i].te_role)) ||
		    te[i].te_off % DSS_DEVTAB_ALIGN != 0 || te[i].te_len == 0 ||
		    te[i].te_len % DEVTAB_BLK != 0 || te[i].te_off < end ||
		    te[i].te_len > th->th_dev_size || te[i].te_off > th->th_dev_size - te[i].te_len ||
		    uuid_is_null(te[i].te_pool))
			return -DER_DF_INVAL;
		end = te[i].te_off + te[i].te_len;
	}
	D_FREE(dt->dt_ents);
	dt->dt_nr  = 0;
	dt->dt_cap = th->th_nr_ents + 16;
	D_ALLOC_ARRAY(dt->dt_ents, dt->dt_cap);
	if (dt->dt_ents == NULL) {
		dt->dt_cap = 0;
		return -DER_NOMEM;
	}
	for (i = 0; i < th->th_nr_ents; i++) {
		uuid_copy(dt->dt_ents[i].de_pool, te[i].te_pool);
		dt->dt_ents[i].de_tgt  = te[i].te_tgt;
		dt->dt_ents[i].de_role = te[i].te_role;
		dt->dt_ents[i].de_off  = te[i].te_off;
		dt->dt_ents[i].de_len  = te[i].te_len;
	}
	dt->dt_nr    = th->th_nr_ents;
	dt->dt_gen   = th->th_gen;
	dt->dt_roles = th->th_roles;
	dt->dt_size  = th->th_dev_size;
	uuid_copy(dt->dt_sys, th->th_sys);
	uuid_copy(dt->dt_dev, th->th_dev);
	return 0;
}

int
dss_devtab_pick(const void *copy0, const void *copy1, struct dss_devtab *dt, bool *torn)
{
	struct dss_devtab t[2] = {0};
	const void       *c[2] = {copy0, copy1};
	int               rc[2], i, best = -1;

	if (torn != NULL)
		*torn = false;
	for (i = 0; i < 2; i++) {
		rc[i] = c[i] == NULL ? -DER_NONEXIST : dss_devtab_decode(c[i], DSS_DEVTAB_COPY, &t[i]);
		if (rc[i] == -DER_NOMEM || rc[i] == -DER_INVAL)
			goto out;
		if ((rc[i] == -DER_DF_INVAL || rc[i] == -DER_DF_INCOMPT) && torn != NULL)
			*torn = true;
		if (rc[i] == 0 && (best < 0 || t[i].dt_gen > t[best].dt_gen))
			best = i;
	}
	if (best >= 0) {
		/* two valid copies of different tables: the other is a leftover */
		D_FREE(dt->dt_ents);
		t[best].dt_path = dt->dt_path;
		*dt             = t[best];
		memset(&t[best], 0, sizeof(t[best]));
		rc[0] = rc[1] = 0;
	}
out:
	for (i = 0; i < 2; i++)
		D_FREE(t[i].dt_ents);
	if (best >= 0)
		return 0;
	/* a newer version wins over damage; damage over absence */
	for (i = 0; i < 2; i++)
		if (rc[i] == -DER_DF_INCOMPT || rc[i] == -DER_NOMEM || rc[i] == -DER_INVAL)
			return rc[i];
	return rc[0] == -DER_DF_INVAL || rc[1] == -DER_DF_INVAL ? -DER_DF_INVAL : -DER_NONEXIST;
}

const struct dss_devtab_ent *
dss_devtab_find(const struct dss_devtab *dt, const uuid_t pool, uint32_t tgt, uint32_t role)
{
	uint32_t i;

	for (i = 0; i < dt->dt_nr; i++)
		if (dt->dt_ents[i].de_tgt == tgt && dt->dt_ents[i].de_role == role &&
		    uuid_compare(dt->dt_ents[i].de_pool, pool) == 0)
			return &dt->dt_ents[i];
	return NULL;
}

uint64_t
dss_devtab_usable(const struct dss_devtab *dt)
{
	return dt->dt_size > DSS_DEVTAB_RESERVED ? dt->dt_size - DSS_DEVTAB_RESERVED : 0;
}

uint64_t
dss_devtab_used(const struct dss_devtab *dt)
{
	uint64_t used = 0;
	uint32_t i;

	for (i = 0; i < dt->dt_nr; i++)
		used += dt->dt_ents[i].de_len;
	return used;
}

int
dss_devtab_alloc(struct dss_devtab *dt, const uuid_t pool, uint32_t tgt, uint32_t role,
		 uint64_t len, uint64_t *off)
{
	uint64_t at = DSS_DEVTAB_RESERVED;
	uint32_t i;

	if (dt == NULL || pool == NULL || uuid_is_null(pool) || off == NULL || len == 0 ||
	    role >= DSS_DEV_ROLE_NR || !(dt->dt_roles & (1u << role)))
		return -DER_INVAL;
	len = (len + DEVTAB_BLK - 1) / DEVTAB_BLK * DEVTAB_BLK;
	if (dss_devtab_find(dt, pool, tgt, role) != NULL)
		return -DER_EXIST;
	if (dt->dt_nr >= dss_devtab_max_ents())
		return -DER_NOSPACE;
	/* first fit: the first gap between slices (offset order) that is long enough */
	for (i = 0; i <= dt->dt_nr; i++) {
		uint64_t next = i < dt->dt_nr ? dt->dt_ents[i].de_off : dt->dt_size;

		if (next >= at && next - at >= len)
			break;
		if (i < dt->dt_nr) {
			at = dt->dt_ents[i].de_off + dt->dt_ents[i].de_len;
			at = (at + DSS_DEVTAB_ALIGN - 1) / DSS_DEVTAB_ALIGN * DSS_DEVTAB_ALIGN;
		}
	}
	if (i > dt->dt_nr)
		return -DER_NOSPACE;
	if (dt->dt_nr == dt->dt_cap) {
		struct dss_devtab_ent *ne;
		uint32_t               cap = MAX(dt->dt_cap * 2, 16);

		D_REALLOC_ARRAY(ne, dt->dt_ents, dt->dt_cap, cap);
		if (ne == NULL)
			return -DER_NOMEM;
		dt->dt_ents = ne;
		dt->dt_cap  = cap;
	}
	memmove(&dt->dt_ents[i + 1], &dt->dt_ents[i], (dt->dt_nr - i) * sizeof(dt->dt_ents[0]));
	uuid_copy(dt->dt_ents[i].de_pool, pool);
	dt->dt_ents[i].de_tgt  = tgt;
	dt->dt_ents[i].de_role = role;
	dt->dt_ents[i].de_off  = at;
	dt->dt_ents[i].de_len  = len;
	dt->dt_nr++;
	*off = at;
	return 0;
}

uint32_t
dss_devtab_free(struct dss_devtab *dt, const uuid_t pool, uint32_t tgt)
{
	uint32_t i, j, n = 0;

	for (i = j = 0; i < dt->dt_nr; i++) {
		if ((tgt == UINT32_MAX || dt->dt_ents[i].de_tgt == tgt) &&
		    uuid_compare(dt->dt_ents[i].de_pool, pool) == 0) {
			n++;
			continue;
		}
		dt->dt_ents[j++] = dt->dt_ents[i];
	}
	dt->dt_nr = j;
	return n;
}

void
dss_devtab_fini(struct dss_devtab *dt)
{
	D_FREE(dt->dt_ents);
	D_FREE(dt->dt_path);
	dt->dt_nr = dt->dt_cap = 0;
}

/* ---- the device ---- */

static int
dev_open(const char *path, uint64_t *size)
{
	struct stat st;
	int         fd, lbs = 0;

	fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		int rc = errno == ENOENT ? -DER_NONEXIST : d_errno2der(errno);

		D_ERROR("%s: cannot open the device: %s\n", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode)) {
		D_ERROR("%s: not a block device\n", path);
		close(fd);
		return -DER_NOTSUPPORTED;
	}
	if (ioctl(fd, BLKGETSIZE64, size) != 0 || ioctl(fd, BLKSSZGET, &lbs) != 0) {
		D_ERROR("%s: BLKGETSIZE64/BLKSSZGET: %s\n", path, strerror(errno));
		close(fd);
		return -DER_IO;
	}
	if (lbs <= 0 || DEVTAB_BLK % (unsigned)lbs != 0) {
		D_ERROR("%s: logical block size %d does not divide 4096: not usable\n", path, lbs);
		close(fd);
		return -DER_NOTSUPPORTED;
	}
	return fd;
}

int
dss_devtab_dev_size(const char *path, uint64_t *size)
{
	int fd = dev_open(path, size);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static void *
devtab_buf(size_t len)
{
	void *buf;

	D_ALIGNED_ALLOC(buf, DEVTAB_BLK, len);
	return buf;
}

int
dss_devtab_read(const char *path, struct dss_devtab *dt, bool *torn)
{
	uint64_t size;
	char    *buf;
	ssize_t  n;
	int      fd, rc;

	fd = dev_open(path, &size);
	if (fd < 0)
		return fd;
	buf = devtab_buf(2 * DSS_DEVTAB_COPY);
	if (buf == NULL) {
		close(fd);
		return -DER_NOMEM;
	}
	n = size < 2 * DSS_DEVTAB_COPY ? 0 : pread(fd, buf, 2 * DSS_DEVTAB_COPY, 0);
	close(fd);
	if (size < 2 * DSS_DEVTAB_COPY) {
		rc = -DER_NONEXIST;
	} else if (n != 2 * DSS_DEVTAB_COPY) {
		D_ERROR("%s: cannot read the device table: %s\n", path,
			n < 0 ? strerror(errno) : "short read");
		rc = -DER_IO;
	} else {
		rc = dss_devtab_pick(buf, buf + DSS_DEVTAB_COPY, dt, torn);
	}
	D_FREE(buf);
	if (rc == 0 && dt->dt_path == NULL) {
		D_STRNDUP(dt->dt_path, path, PATH_MAX);
		if (dt->dt_path == NULL)
			rc = -DER_NOMEM;
	}
	if (rc == 0 && dt->dt_size > size) {
		D_ERROR("%s: its table says %" PRIu64 " bytes, the device has %" PRIu64 "\n", path,
			dt->dt_size, size);
		rc = -DER_DF_INVAL;
	}
	return rc;
}

/* Write copy (gen % 2) of generation gen. */
static int
devtab_write_copy(const struct dss_devtab *dt, uint64_t gen)
{
	size_t   len = dss_devtab_copy_len(dt->dt_nr);
	uint64_t size;
	void    *buf;
	int      fd, rc;

	fd = dev_open(dt->dt_path, &size);
	if (fd < 0)
		return fd;
	buf = devtab_buf(len);
	if (buf == NULL) {
		close(fd);
		return -DER_NOMEM;
	}
	rc = dss_devtab_encode(dt, gen, buf, len);
	if (rc == 0 && (pwrite(fd, buf, len, (off_t)((gen % 2) * DSS_DEVTAB_COPY)) != (ssize_t)len ||
			fdatasync(fd) != 0)) {
		D_ERROR("%s: cannot write the device table: %s\n", dt->dt_path, strerror(errno));
		rc = -DER_IO;
	}
	close(fd);
	D_FREE(buf);
	return rc;
}

int
dss_devtab_write(struct dss_devtab *dt)
{
	int rc = devtab_write_copy(dt, dt->dt_gen + 1);

	if (rc == 0)
		dt->dt_gen++;
	return rc;
}

int
dss_devtab_init(const char *path, const uuid_t sys, uint32_t roles, struct dss_devtab *dt)
{
	uint64_t size;
	int      rc;

	if (path == NULL || sys == NULL || uuid_is_null(sys) || roles == 0 ||
	    roles >= (1u << DSS_DEV_ROLE_NR))
		return -DER_INVAL;
	rc = dss_devtab_dev_size(path, &size);
	if (rc != 0)
		return rc;
	if (size < DSS_DEVTAB_RESERVED + DSS_DEVTAB_ALIGN) {
		D_ERROR("%s: %" PRIu64 " bytes: too small for a device table and a slice\n", path,
			size);
		return -DER_NOSPACE;
	}
	dss_devtab_fini(dt);
	memset(dt, 0, sizeof(*dt));
	D_STRNDUP(dt->dt_path, path, PATH_MAX);
	if (dt->dt_path == NULL)
		return -DER_NOMEM;
	uuid_copy(dt->dt_sys, sys);
	uuid_generate(dt->dt_dev);
	dt->dt_roles = roles;
	dt->dt_size  = size;
	/* both copies: no older table may survive in the other one */
	rc = devtab_write_copy(dt, 2);
	if (rc == 0)
		rc = devtab_write_copy(dt, 3);
	if (rc == 0)
		dt->dt_gen = 3;
	return rc;
}
