/*
 * bio_region.c - the three regions: creating them (bio_format) and opening
 * them with their header checked. A region is a file or a block device;
 * only sizing and preallocation differ.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include "bio_internal.h"

static const uint64_t region_default_size[BIO_REGION_NR] = {
	64ULL << 20, 64ULL << 20, 1ULL << 30,
};
static const uint64_t region_min_size[BIO_REGION_NR] = {
	1ULL << 20, 64ULL << 10, 64ULL << 10,
};

char *
bio_region_path(const struct bio_layout *lay, enum bio_region_kind kind)
{
	char *path = NULL;

	if (lay->bl_path[kind] != NULL)
		D_STRNDUP(path, lay->bl_path[kind], PATH_MAX);
	else if (lay->bl_dir != NULL)
		D_ASPRINTF(path, "%s/%s", lay->bl_dir, bio_region_name(kind));
	return path;
}

/* ---- slice links ---- */

#define SLICE_LINK_MAGIC "dstor-bio-slice 1\n"
#define SLICE_LINK_MAX   (PATH_MAX + 64)

int
bio_slice_link_write(const char *link, const char *dev, uint64_t off, uint64_t len)
{
	char  *tmp = NULL;
	char  *buf = NULL;
	char  *dir;
	int    fd, n, rc = 0;

	if (link == NULL || dev == NULL || dev[0] != '/' || strchr(dev, '\n') != NULL ||
	    strlen(dev) >= PATH_MAX || off % BIO_BLK_SIZE != 0 || len % BIO_BLK_SIZE != 0)
		return -DER_INVAL;
	D_ASPRINTF(tmp, "%s.tmp", link);
	D_ASPRINTF(buf, SLICE_LINK_MAGIC "%s\n%" PRIu64 "\n%" PRIu64 "\n", dev, off, len);
	if (tmp == NULL || buf == NULL)
		D_GOTO(out, rc = -DER_NOMEM);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		D_ERROR("%s: cannot create: %s\n", tmp, strerror(errno));
		D_GOTO(out, rc = d_errno2der(errno));
	}
	n = (int)strlen(buf);
	if (write(fd, buf, n) != n || fsync(fd) != 0) {
		D_ERROR("%s: cannot write: %s\n", tmp, strerror(errno));
		rc = -DER_IO;
	}
	close(fd);
	if (rc == 0 && rename(tmp, link) != 0) {
		D_ERROR("%s: cannot rename to %s: %s\n", tmp, link, strerror(errno));
		rc = d_errno2der(errno);
	}
	if (rc != 0) {
		unlink(tmp);
		goto out;
	}
	/* the new directory entry must be durable too */
	dir = strrchr(tmp, '/');
	if (dir != NULL) {
		*dir = '\0';
		fd   = open(dir == tmp ? "/" : tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
out:
	D_FREE(tmp);
	D_FREE(buf);
	return rc;
}

/* Parse a link's text (NUL-terminated). 1: not a link; 0: parsed; -DER_DF_INVAL. */
static int
slice_link_parse(const char *txt, char *dev, size_t devlen, uint64_t *off, uint64_t *len)
{
	const char *p = txt + strlen(SLICE_LINK_MAGIC);
	const char *nl;
	char       *end;

	if (strncmp(txt, SLICE_LINK_MAGIC, strlen(SLICE_LINK_MAGIC)) != 0)
		return 1;
	nl = strchr(p, '\n');
	if (nl == NULL || nl == p || *p != '/' || (size_t)(nl - p) >= devlen)
		return -DER_DF_INVAL;
	memcpy(dev, p, nl - p);
	dev[nl - p] = '\0';
	p           = nl + 1;
	if (*p < '0' || *p > '9')
		return -DER_DF_INVAL;
	errno = 0;
	*off  = strtoull(p, &end, 10);
	if (errno != 0 || *end != '\n')
		return -DER_DF_INVAL;
	p = end + 1;
	if (*p < '0' || *p > '9')
		return -DER_DF_INVAL;
	*len = strtoull(p, &end, 10);
	if (errno != 0 || *end != '\n' || end[1] != '\0')
		return -DER_DF_INVAL;
	if (*off % BIO_BLK_SIZE != 0 || *len % BIO_BLK_SIZE != 0)
		return -DER_DF_INVAL;
	return 0;
}

int
bio_slice_link_read(const char *link, char *dev, size_t devlen, uint64_t *off, uint64_t *len)
{
	char       *buf;
	struct stat st;
	ssize_t     n;
	int         fd, rc;

	fd = open(link, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -DER_NONEXIST : d_errno2der(errno);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SLICE_LINK_MAX) {
		close(fd);
		return -DER_MISMATCH;
	}
	D_ALLOC(buf, SLICE_LINK_MAX + 1);
	if (buf == NULL) {
		close(fd);
		return -DER_NOMEM;
	}
	n = read(fd, buf, SLICE_LINK_MAX);
	close(fd);
	if (n < 0) {
		rc = d_errno2der(errno);
	} else {
		buf[n] = '\0';
		rc     = (size_t)n != strlen(buf) ? 1 : slice_link_parse(buf, dev, devlen, off, len);
		if (rc == 1)
			rc = -DER_MISMATCH;
	}
	D_FREE(buf);
	return rc;
}

void
bio_loc_fini(struct bio_loc *loc)
{
	D_FREE(loc->bo_path);
}

int
bio_loc_resolve(const struct bio_layout *lay, enum bio_region_kind kind, struct bio_loc *loc)
{
	char dev[PATH_MAX];
	int  rc;

	memset(loc, 0, sizeof(*loc));
	loc->bo_path = bio_region_path(lay, kind);
	if (loc->bo_path == NULL)
		return lay->bl_dir == NULL && lay->bl_path[kind] == NULL ? -DER_INVAL : -DER_NOMEM;
	loc->bo_off   = lay->bl_off[kind];
	loc->bo_len   = lay->bl_len[kind];
	loc->bo_slice = loc->bo_off != 0 || loc->bo_len != 0;
	if (loc->bo_off % BIO_BLK_SIZE != 0 || loc->bo_len % BIO_BLK_SIZE != 0) {
		D_ERROR("%s: slice at %" PRIu64 " of %" PRIu64 " bytes is not 4 KiB aligned\n",
			loc->bo_path, loc->bo_off, loc->bo_len);
		return -DER_INVAL;
	}
	rc = bio_slice_link_read(loc->bo_path, dev, sizeof(dev), &loc->bo_off, &loc->bo_len);
	if (rc == -DER_NONEXIST || rc == -DER_MISMATCH)
		return 0; /* a region itself, or nothing yet */
	if (rc != 0) {
		D_ERROR("%s: unreadable slice link: " DF_RC "\n", loc->bo_path, DP_RC(rc));
		return rc;
	}
	if (lay->bl_off[kind] != 0 || lay->bl_len[kind] != 0) {
		D_ERROR("%s: a slice link, and the layout gives a slice too\n", loc->bo_path);
		return -DER_INVAL;
	}
	D_FREE(loc->bo_path);
	D_STRNDUP(loc->bo_path, dev, PATH_MAX);
	loc->bo_slice = true;
	return loc->bo_path == NULL ? -DER_NOMEM : 0;
}

/* Size of an open file or block device; a device must be addressable in 4 KiB units. */
static int
fd_size(int fd, const char *path, bool *blkdev, uint64_t *size)
{
	struct stat st;
	int         lbs = 0;
	unsigned    pbs = 0;

	if (fstat(fd, &st) != 0) {
		D_ERROR("%s: fstat: %s\n", path, strerror(errno));
		return d_errno2der(errno);
	}
	*blkdev = S_ISBLK(st.st_mode);
	if (!*blkdev) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (ioctl(fd, BLKGETSIZE64, size) != 0) {
		D_ERROR("%s: BLKGETSIZE64: %s\n", path, strerror(errno));
		return d_errno2der(errno);
	}
	if (ioctl(fd, BLKSSZGET, &lbs) != 0) {
		D_ERROR("%s: BLKSSZGET: %s\n", path, strerror(errno));
		return d_errno2der(errno);
	}
	if (lbs <= 0 || BIO_BLK_SIZE % (unsigned)lbs != 0) {
		D_ERROR("%s: logical block size %d does not divide %u: the device cannot hold "
			"BIO regions\n", path, lbs, BIO_BLK_SIZE);
		return -DER_NOTSUPPORTED;
	}
	if (ioctl(fd, BLKPBSZGET, &pbs) == 0 && pbs > BIO_BLK_SIZE)
		D_WARN("%s: physical block size %u is above %u: 4 KiB writes are "
		       "read-modify-write in the device\n", path, pbs, BIO_BLK_SIZE);
	return 0;
}

/* The byte range [*off, *off + *avail) of a slice inside a file or device of size bytes. */
static int
slice_range(const struct bio_loc *loc, const char *name, uint64_t size, uint64_t *avail)
{
	if (loc->bo_off >= size || loc->bo_len > size - loc->bo_off) {
		D_ERROR("%s: slice at %" PRIu64 " of %" PRIu64 " bytes is beyond its end (%" PRIu64
			" bytes)\n", name, loc->bo_off, loc->bo_len, size);
		return -DER_INVAL;
	}
	*avail = loc->bo_len != 0 ? loc->bo_len : size - loc->bo_off;
	return 0;
}

/* Write zeros over [0, size) of a new region file (buffered; flushed with its header). */
static int
region_zero(int fd, const char *path, uint64_t size)
{
	const size_t chunk = 1u << 20;
	uint64_t     off;
	void        *zero;
	int          rc = 0;

	D_ALLOC(zero, chunk);
	if (zero == NULL)
		return -DER_NOMEM;
	for (off = 0; off < size && rc == 0; off += chunk) {
		size_t  n = (size_t)MIN((uint64_t)chunk, size - off);
		ssize_t w = pwrite(fd, zero, n, (off_t)off);

		if (w != (ssize_t)n) {
			D_ERROR("%s: cannot write zeros at %" PRIu64 ": %s\n", path, off,
				w < 0 ? strerror(errno) : "short write");
			rc = w < 0 && errno == ENOSPC ? -DER_NOSPACE : -DER_IO;
		}
	}
	D_FREE(zero);
	return rc;
}

static int
format_one(const struct bio_loc *loc, enum bio_region_kind kind, uint64_t size, const uuid_t uuid,
	   uint64_t nonce)
{
	const char            *path = loc->bo_path;
	struct bio_region_hdr *rh;
	void                  *blk;
	uint64_t               cur, avail;
	bool                   blkdev;
	int                    fd;
	int                    rc;

	blk = bio_buf_alloc(BIO_BLK_SIZE);
	if (blk == NULL)
		return -DER_NOMEM;
	memset(blk, 0, BIO_BLK_SIZE);
	/* a slice lives in something that exists: a vanished device must not come
	 * back as a new regular file under /dev */
	fd = open(path, O_RDWR | O_CLOEXEC | (loc->bo_slice ? 0 : O_CREAT), 0600);
	if (fd < 0) {
		D_ERROR("%s: cannot %s %s region: %s\n", path, loc->bo_slice ? "open" : "create",
			bio_region_name(kind), strerror(errno));
		bio_buf_free(blk);
		return d_errno2der(errno);
	}
	rc = fd_size(fd, path, &blkdev, &cur);
	if (rc != 0)
		goto out;

	if (blkdev || loc->bo_slice) {
		/* A device, or a slice of a file: its neighbours' bytes are never touched,
		 * so no truncate; a file slice is preallocated, a device has its size. */
		if (!blkdev && loc->bo_len != 0 && cur < loc->bo_off + loc->bo_len) {
			rc = posix_fallocate(fd, (off_t)loc->bo_off, (off_t)loc->bo_len);
			if (rc != 0) {
				D_ERROR("%s: cannot preallocate %" PRIu64 " bytes at %" PRIu64 ": %s\n",
					path, loc->bo_len, loc->bo_off, strerror(rc));
				D_GOTO(out, rc = (rc == ENOSPC ? -DER_NOSPACE : d_errno2der(rc)));
			}
			cur = loc->bo_off + loc->bo_len;
		}
		rc = slice_range(loc, path, cur, &avail);
		if (rc != 0)
			goto out;
		if (size == 0)
			size = avail;
		if (size > avail) {
			D_ERROR("%s: %" PRIu64 " bytes asked at %" PRIu64 ", the slice has %" PRIu64
				"\n", path, size, loc->bo_off, avail);
			D_GOTO(out, rc = -DER_INVAL);
		}
	} else {
		if (size == 0)
			size = region_default_size[kind];
		/* Truncating first drops any old content, so WAL and META read as zeros. */
		if (ftruncate(fd, 0) != 0) {
			D_ERROR("%s: ftruncate: %s\n", path, strerror(errno));
			D_GOTO(out, rc = d_errno2der(errno));
		}
	}
	size -= size % BIO_BLK_SIZE;
	if (size < region_min_size[kind]) {
		D_ERROR("%s: %s region of %" PRIu64 " bytes is below the minimum %" PRIu64 "\n",
			path, bio_region_name(kind), size, region_min_size[kind]);
		D_GOTO(out, rc = -DER_INVAL);
	}
	if (!blkdev && !loc->bo_slice) {
		rc = posix_fallocate(fd, 0, (off_t)size);
		if (rc == EOPNOTSUPP || rc == EINVAL)
			rc = ftruncate(fd, (off_t)size) == 0 ? 0 : errno;
		if (rc != 0) {
			D_ERROR("%s: cannot preallocate %" PRIu64 " bytes: %s\n", path, size,
				strerror(rc));
			D_GOTO(out, rc = (rc == ENOSPC ? -DER_NOSPACE : d_errno2der(rc)));
		}
		/* The WAL is written in place over and over: blocks that are written once
		 * now are no unwritten extents that each group commit's fdatasync would
		 * have to convert (and log) later. */
		if (kind == BIO_REGION_WAL) {
			rc = region_zero(fd, path, size);
			if (rc != 0)
				goto out;
		}
	}

	rh              = (struct bio_region_hdr *)blk;
	rh->rh_magic    = BIO_REGION_MAGIC;
	rh->rh_version  = BIO_FORMAT_VERSION;
	rh->rh_kind     = kind;
	uuid_copy(rh->rh_uuid, uuid);
	rh->rh_size     = size;
	rh->rh_blk_size = BIO_BLK_SIZE;
	rh->rh_nonce    = nonce;
	rh->rh_csum     = bio_region_hdr_csum(rh);
	if (blkdev) {
		/* the header goes around the device's page cache, as every later I/O does */
		int dfd = open(path, O_RDWR | O_CLOEXEC | O_DIRECT);

		if (dfd >= 0) {
			close(fd);
			fd = dfd;
		}
	}
	if ((blkdev || loc->bo_slice) && kind == BIO_REGION_META) {
		/* old checkpoint slot headers never validate (other nonce), but would
		 * each be reported as corrupt: blank them (bio_ckpt.c's slot layout) */
		uint64_t slot = ((size - BIO_BLK_SIZE) / 2) & ~(uint64_t)(BIO_BLK_SIZE - 1);
		void    *zero = bio_buf_alloc(BIO_BLK_SIZE);
		int      i;

		if (zero == NULL)
			D_GOTO(out, rc = -DER_NOMEM);
		memset(zero, 0, BIO_BLK_SIZE);
		for (i = 0; i < 2 && rc == 0; i++)
			if (pwrite(fd, zero, BIO_BLK_SIZE,
				   (off_t)(loc->bo_off + BIO_BLK_SIZE + i * slot)) != BIO_BLK_SIZE)
				rc = -DER_IO;
		bio_buf_free(zero);
		if (rc != 0) {
			D_ERROR("%s: cannot clear the checkpoint slots at %" PRIu64 ": %s\n", path,
				loc->bo_off, strerror(errno));
			goto out;
		}
	}
	if (pwrite(fd, blk, BIO_BLK_SIZE, (off_t)loc->bo_off) != (ssize_t)BIO_BLK_SIZE ||
	    fdatasync(fd) != 0) {
		D_ERROR("%s: cannot write the region header at %" PRIu64 ": %s\n", path,
			loc->bo_off, strerror(errno));
		D_GOTO(out, rc = -DER_IO);
	}
	rc = 0;
out:
	close(fd);
	bio_buf_free(blk);
	return rc;
}

int
bio_format(const struct bio_layout *lay, const uint64_t size[BIO_REGION_NR], const uuid_t uuid)
{
	uint64_t nonce;
	int      i;
	int      rc = 0;

	if (lay == NULL || uuid == NULL || uuid_is_null(uuid))
		return -DER_INVAL;
	if (lay->bl_dir != NULL && mkdir(lay->bl_dir, 0700) != 0 && errno != EEXIST) {
		D_ERROR("%s: cannot create the data directory: %s\n", lay->bl_dir, strerror(errno));
		return d_errno2der(errno);
	}
	if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		nonce = bio_now_usec() ^ ((uint64_t)getpid() << 32);

	for (i = 0; i < BIO_REGION_NR && rc == 0; i++) {
		struct bio_loc loc;

		rc = bio_loc_resolve(lay, i, &loc);
		if (rc == 0)
			rc = format_one(&loc, i, size != NULL ? size[i] : 0, uuid, nonce);
		bio_loc_fini(&loc);
	}
	if (rc == 0 && lay->bl_dir != NULL) {
		/* Make the new directory entries durable too. */
		int dfd = open(lay->bl_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	return rc;
}

static int
region_open_fd(struct bio_region *r)
{
	int flags = O_RDWR | O_CLOEXEC;
	int fd;

	if (!bio_fault(BIO_FI_NO_DIRECT)) {
		fd = open(r->br_dev, flags | O_DIRECT);
		if (fd >= 0) {
			r->br_direct = true;
			return fd;
		}
		if (errno != EINVAL)
			return -errno;
	}
	if (r->br_blkdev)
		return -EINVAL; /* never buffered on a device */
	D_WARN("%s: the file system refuses O_DIRECT; using buffered I/O with fdatasync "
	       "(durable, slower)\n", r->br_path);
	fd = open(r->br_dev, flags);
	return fd >= 0 ? fd : -errno;
}

static int
region_check_hdr(struct bio_target *bt, struct bio_region *r, const struct bio_region_hdr *rh,
		 const uuid_t uuid)
{
	const char *path = r->br_path;
	char        want[40];
	char        got[40];

	if (rh->rh_magic != BIO_REGION_MAGIC) {
		D_ERROR("%s: not a BIO region (bad magic)\n", path);
		return -DER_DF_INVAL;
	}
	/* Before the checksum: a newer format may checksum differently. */
	if (rh->rh_version > BIO_FORMAT_VERSION) {
		D_ERROR("%s: format version %u is newer than the supported %u\n", path,
			rh->rh_version, BIO_FORMAT_VERSION);
		return -DER_DF_INCOMPT;
	}
	if (rh->rh_csum != bio_region_hdr_csum(rh) || rh->rh_version == 0) {
		D_ERROR("%s: region header is corrupt (checksum mismatch)\n", path);
		return -DER_DF_INVAL;
	}
	if (rh->rh_kind != (uint32_t)r->br_kind) {
		D_ERROR("%s: is a %s region, expected %s\n", path,
			bio_region_name((enum bio_region_kind)rh->rh_kind),
			bio_region_name(r->br_kind));
		return -DER_MISMATCH;
	}
	if (rh->rh_blk_size != BIO_BLK_SIZE || rh->rh_size % BIO_BLK_SIZE != 0 ||
	    rh->rh_size < region_min_size[r->br_kind]) {
		D_ERROR("%s: unsupported geometry (block %u, size %" PRIu64 ")\n", path,
			rh->rh_blk_size, rh->rh_size);
		return -DER_DF_INVAL;
	}
	if (r->br_slice_exact && rh->rh_size != r->br_size) {
		D_ERROR("%s: holds a region of %" PRIu64 " bytes, the slice has %" PRIu64
			": another shard's data\n", path, rh->rh_size, r->br_size);
		return -DER_MISMATCH;
	}
	if (rh->rh_size > r->br_size) {
		D_ERROR("%s: truncated: header says %" PRIu64 " bytes, found %" PRIu64 "\n", path,
			rh->rh_size, r->br_size);
		return -DER_DF_INVAL;
	}
	if (uuid != NULL && uuid_compare(uuid, rh->rh_uuid) != 0) {
		uuid_unparse(uuid, want);
		uuid_unparse(rh->rh_uuid, got);
		D_ERROR("%s: belongs to target %s, expected %s\n", path, got, want);
		return -DER_MISMATCH;
	}
	if (uuid_is_null(bt->bt_uuid)) {
		uuid_copy(bt->bt_uuid, rh->rh_uuid);
		bt->bt_nonce = rh->rh_nonce;
	} else if (uuid_compare(bt->bt_uuid, rh->rh_uuid) != 0 || bt->bt_nonce != rh->rh_nonce) {
		D_ERROR("%s: belongs to another target or another format than %s\n", path,
			bt->bt_reg[BIO_REGION_WAL].br_path);
		return -DER_MISMATCH;
	}
	r->br_size = rh->rh_size;
	return 0;
}

int
bio_region_open(struct bio_target *bt, const struct bio_layout *lay, enum bio_region_kind kind,
		const uuid_t uuid)
{
	struct bio_region *r = &bt->bt_reg[kind];
	struct bio_loc     loc;
	struct stat        st;
	void              *blk = NULL;
	uint64_t           size;
	int                rc;

	r->br_kind = kind;
	r->br_fd   = -1;
	rc         = bio_loc_resolve(lay, kind, &loc);
	if (rc != 0) {
		bio_loc_fini(&loc);
		return rc;
	}
	r->br_dev     = loc.bo_path;
	loc.bo_path   = NULL;
	r->br_base    = loc.bo_off;
	r->br_blkdev  = stat(r->br_dev, &st) == 0 && S_ISBLK(st.st_mode);
	if (loc.bo_slice || r->br_blkdev)
		D_ASPRINTF(r->br_path, "%s@%" PRIu64, r->br_dev, loc.bo_off);
	else
		D_STRNDUP(r->br_path, r->br_dev, PATH_MAX);
	if (r->br_path == NULL)
		return -DER_NOMEM;

	rc = region_open_fd(r);
	if (rc < 0) {
		D_ERROR("%s: cannot open %s region: %s\n", r->br_path, bio_region_name(kind),
			strerror(-rc));
		return rc == -ENOENT ? -DER_NONEXIST : d_errno2der(-rc);
	}
	r->br_fd = rc;
	rc = fd_size(r->br_fd, r->br_dev, &r->br_blkdev, &size);
	if (rc != 0)
		return rc;
	if (loc.bo_slice || r->br_blkdev) {
		rc = slice_range(&loc, r->br_dev, size, &r->br_size);
		if (rc != 0)
			return -DER_DF_INVAL;
		/* a slice given by its length holds exactly one region of that length */
		r->br_slice_exact = loc.bo_len != 0;
	} else {
		r->br_size = size;
	}
	if (r->br_size < BIO_BLK_SIZE) {
		D_ERROR("%s: truncated: %" PRIu64 " bytes, no room for a region header\n",
			r->br_path, r->br_size);
		return -DER_DF_INVAL;
	}

	blk = bio_buf_alloc(BIO_BLK_SIZE);
	if (blk == NULL)
		return -DER_NOMEM;
	rc = bio_pread(bt, r, blk, BIO_BLK_SIZE, 0);
	if (rc == 0)
		rc = region_check_hdr(bt, r, blk, uuid);
	bio_buf_free(blk);
	return rc;
}

void
bio_region_close(struct bio_region *r)
{
	if (r->br_fd >= 0)
		close(r->br_fd);
	r->br_fd = -1;
	D_FREE(r->br_path);
	D_FREE(r->br_dev);
}
