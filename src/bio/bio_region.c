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

/* Size of an open file or block device. */
static int
fd_size(int fd, const char *path, bool *blkdev, uint64_t *size)
{
	struct stat st;

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
	return 0;
}

static int
format_one(const char *path, enum bio_region_kind kind, uint64_t size, const uuid_t uuid,
	   uint64_t nonce)
{
	struct bio_region_hdr *rh;
	char                   blk[BIO_BLK_SIZE] __attribute__((aligned(8))) = {0};
	uint64_t               cur;
	bool                   blkdev;
	int                    fd;
	int                    rc;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		D_ERROR("%s: cannot create %s region: %s\n", path, bio_region_name(kind),
			strerror(errno));
		return d_errno2der(errno);
	}
	rc = fd_size(fd, path, &blkdev, &cur);
	if (rc != 0)
		goto out;

	if (blkdev) {
		if (size == 0)
			size = cur;
		if (size > cur) {
			D_ERROR("%s: %" PRIu64 " bytes asked, device has %" PRIu64 "\n", path,
				size, cur);
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
	if (!blkdev) {
		rc = posix_fallocate(fd, 0, (off_t)size);
		if (rc == EOPNOTSUPP || rc == EINVAL)
			rc = ftruncate(fd, (off_t)size) == 0 ? 0 : errno;
		if (rc != 0) {
			D_ERROR("%s: cannot preallocate %" PRIu64 " bytes: %s\n", path, size,
				strerror(rc));
			D_GOTO(out, rc = (rc == ENOSPC ? -DER_NOSPACE : d_errno2der(rc)));
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
	if (pwrite(fd, blk, sizeof(blk), 0) != (ssize_t)sizeof(blk) || fdatasync(fd) != 0) {
		D_ERROR("%s: cannot write the region header: %s\n", path, strerror(errno));
		D_GOTO(out, rc = -DER_IO);
	}
	rc = 0;
out:
	close(fd);
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
		char *path = bio_region_path(lay, i);

		if (path == NULL)
			return lay->bl_dir == NULL && lay->bl_path[i] == NULL ? -DER_INVAL
									      : -DER_NOMEM;
		rc = format_one(path, i, size != NULL ? size[i] : 0, uuid, nonce);
		D_FREE(path);
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
		fd = open(r->br_path, flags | O_DIRECT);
		if (fd >= 0) {
			r->br_direct = true;
			return fd;
		}
		if (errno != EINVAL)
			return -errno;
	}
	D_WARN("%s: the file system refuses O_DIRECT; using buffered I/O with fdatasync "
	       "(durable, slower)\n", r->br_path);
	fd = open(r->br_path, flags);
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
	void              *blk = NULL;
	int                rc;

	r->br_kind = kind;
	r->br_fd   = -1;
	r->br_path = bio_region_path(lay, kind);
	if (r->br_path == NULL)
		return -DER_NOMEM;

	rc = region_open_fd(r);
	if (rc < 0) {
		D_ERROR("%s: cannot open %s region: %s\n", r->br_path, bio_region_name(kind),
			strerror(-rc));
		return rc == -ENOENT ? -DER_NONEXIST : d_errno2der(-rc);
	}
	r->br_fd = rc;
	rc = fd_size(r->br_fd, r->br_path, &r->br_blkdev, &r->br_size);
	if (rc != 0)
		return rc;
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
}
