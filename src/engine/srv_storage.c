/*
 * The engine's storage: the superblock that says which system a data
 * directory belongs to, formatting, the pool shards of each target, and the
 * system database on the system thread's own store.
 *
 * Layout of a data directory:
 *   DIR/superblock            system name, uuid, rank, number of targets
 *   DIR/sys/{wal,meta,data}   the system database (a vos_store)
 *   DIR/tgt<i>/<pool uuid>/   target i's shard of a pool (a vos_store)
 *
 * On block devices, DIR is the control directory (control_metadata.path)
 * and holds the same superblock and system database, DIR/devices (which
 * devices it was formatted with; a start as a data directory is refused
 * when it is there), while each shard's
 * wal, meta and data files are slice links (bio.h) to its slice of the
 * device of that role. Each device starts with a device table
 * (srv_devtab.h) that says which slice belongs to which (pool, target,
 * role): the tables are the authority, the links are rewritten from them at
 * start. A slice is allocated (table written and flushed) before its shard
 * is formatted and freed after its shard is removed; the pool service
 * records a pool CREATING before the first and removes it DESTROYING before
 * the second, so a crash in between leaves a pool that the next start
 * removes, freeing its slices; slices of pools without a record are freed
 * at start (dss_devs_reconcile).
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include "bio/bio.h"
#include "common/proto.h"
#include "srv_internal.h"

/* The system database: one container, one object per table, byte dkeys. */
static const uuid_t sysdb_cont = {0x64, 0x73, 0x74, 0x6f, 0x72, 0x2d, 0x73, 0x79,
				  0x73, 0x64, 0x62, 0x00, 0x00, 0x00, 0x00, 0x01};
#define SYSDB_WAL_SIZE  (16ull << 20)
#define SYSDB_META_SIZE (16ull << 20)
#define SYSDB_DATA_SIZE (64ull << 20)

/* ---- paths ---- */

static int
dss_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
dss_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -DER_OVERFLOW : 0;
}

static int
shard_path(char *buf, size_t len, int tgt, const uuid_t pool)
{
	char us[40];

	uuid_unparse_lower(pool, us);
	return dss_path(buf, len, "%s/tgt%d/%s", dss_eng.e_params.dp_dir, tgt, us);
}

/* Remove a directory tree we created (regular files and directories only). */
static int
dss_rmtree(const char *path)
{
	DIR           *d = opendir(path);
	struct dirent *de;
	char           sub[PATH_MAX];
	int            rc = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : d_errno2der(errno);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (dss_path(sub, sizeof(sub), "%s/%s", path, de->d_name) != 0) {
			rc = -DER_OVERFLOW;
			break;
		}
		if (de->d_type == DT_DIR)
			rc = dss_rmtree(sub);
		else if (unlink(sub) != 0)
			rc = d_errno2der(errno);
		if (rc != 0)
			break;
	}
	closedir(d);
	if (rc == 0 && rmdir(path) != 0)
		rc = d_errno2der(errno);
	return rc;
}

/* ---- block devices ---- */

static const char *const dev_role_name[DSS_DEV_ROLE_NR] = {"wal", "meta", "data"};

bool
dss_devmode(void)
{
	return dss_eng.e_params.dp_dev[DSS_DEV_WAL] != NULL;
}

void
dss_devtabs_fini(void)
{
	int r;

	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		dss_devtab_fini(&dss_eng.e_devtab[r]);
		if (dss_eng.e_dev_excl[r] > 0)
			close(dss_eng.e_dev_excl[r]);
		dss_eng.e_dev_excl[r] = 0;
	}
}

/* Are a and b the same device (the same path, or the same block device)? */
static bool
same_dev(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISBLK(sa.st_mode) &&
	       S_ISBLK(sb.st_mode) && sa.st_rdev == sb.st_rdev;
}

/*
 * Roles on one device share one table: the one of its first role. Each
 * device is held open with O_EXCL for the life of the process, so a device
 * that is mounted, or used by another daos_server, is refused before
 * anything is read or written (our own regions open it without O_EXCL).
 */
static int
devs_map(const struct dss_params *p)
{
	int r, s;

	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		dss_eng.e_dev_first[r] = r;
		for (s = 0; s < r; s++)
			if (same_dev(p->dp_dev[s], p->dp_dev[r])) {
				dss_eng.e_dev_first[r] = dss_eng.e_dev_first[s];
				break;
			}
		if (dss_eng.e_dev_first[r] != r)
			continue;
		dss_eng.e_dev_excl[r] = open(p->dp_dev[r], O_RDONLY | O_EXCL | O_CLOEXEC);
		if (dss_eng.e_dev_excl[r] < 0) {
			int err = errno;

			dss_eng.e_dev_excl[r] = 0;
			fprintf(stderr, "daos_server: %s: %s\n", p->dp_dev[r],
				err == EBUSY ? "in use (mounted, or held by another daos_server or "
					       "program): refusing to touch it"
					     : strerror(err));
			return err == ENOENT ? -DER_NONEXIST : err == EBUSY ? -DER_BUSY
									    : d_errno2der(err);
		}
	}
	return 0;
}

static struct dss_devtab *
role_tab(int role)
{
	return &dss_eng.e_devtab[dss_eng.e_dev_first[role]];
}

/* The roles (bits) of the device that has role r; is r its first role? */
static uint32_t
dev_roles(int role)
{
	uint32_t m = 0;
	int      s;

	for (s = 0; s < DSS_DEV_ROLE_NR; s++)
		if (dss_eng.e_dev_first[s] == dss_eng.e_dev_first[role])
			m |= 1u << s;
	return m;
}

static bool
dev_first(int role)
{
	return dss_eng.e_dev_first[role] == role;
}

/* "wal", "wal,meta,data": the roles of the device that has role r. */
static const char *
dev_roles_str(int role, char *buf, size_t len)
{
	uint32_t m = dev_roles(role);
	int      s;

	buf[0] = '\0';
	for (s = 0; s < DSS_DEV_ROLE_NR; s++)
		if (m & (1u << s))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 buf[0] != '\0' ? "," : "", dev_role_name[s]);
	return buf;
}

/* Main thread, formatted storage: every device holds this system's table for its role. */
static int
devs_check(const struct dss_params *p, const struct dss_superblock *sb)
{
	char want[40], got[40];
	int  r, rc;

	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		struct dss_devtab *dt = &dss_eng.e_devtab[r];
		char               roles[32];
		bool               torn = false;

		if (!dev_first(r))
			continue;
		dev_roles_str(r, roles, sizeof(roles));
		rc = dss_devtab_read(p->dp_dev[r], dt, &torn);
		if (rc == -DER_NONEXIST) {
			fprintf(stderr,
				"daos_server: %s (%s device) has no dstor device table, but %s is "
				"formatted: not the devices this system was formatted on (refusing to "
				"start; dmg storage format --force formats them again)\n",
				p->dp_dev[r], roles, p->dp_dir);
			return -DER_MISMATCH;
		}
		if (rc != 0) {
			fprintf(stderr, "daos_server: %s (%s device): the device table is %s: %s\n",
				p->dp_dev[r], roles,
				rc == -DER_DF_INCOMPT ? "of a newer version" : "unreadable or corrupt",
				d_errstr(rc));
			return rc;
		}
		if (torn)
			D_WARN("%s: one copy of the device table is torn or damaged; the other "
			       "(generation %" PRIu64 ") is used\n", p->dp_dev[r], dt->dt_gen);
		if (uuid_compare(dt->dt_sys, sb->sb_uuid) != 0) {
			uuid_unparse_lower(dt->dt_sys, got);
			uuid_unparse_lower(sb->sb_uuid, want);
			fprintf(stderr,
				"daos_server: %s (%s device) belongs to system format %s, %s to %s "
				"(foreign storage; refusing to start)\n",
				p->dp_dev[r], roles, got, p->dp_dir, want);
			return -DER_MISMATCH;
		}
		if (dt->dt_roles != dev_roles(r)) {
			fprintf(stderr,
				"daos_server: %s was formatted for other roles than %s (the "
				"configuration moved devices between roles; refusing to start)\n",
				p->dp_dev[r], roles);
			return -DER_MISMATCH;
		}
	}
	return 0;
}

/* System thread, format: a new table on every device; a device that holds a
 * table (of any system: this one's is being replaced too) needs force. */
static int
devs_format(bool force, const uuid_t sys)
{
	const struct dss_params *p = &dss_eng.e_params;
	struct dss_devtab        old = {0};
	int                      r, rc;

	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		char roles[32];
		bool torn = false;

		if (!dev_first(r))
			continue;
		dev_roles_str(r, roles, sizeof(roles));
		rc = dss_devtab_read(p->dp_dev[r], &old, &torn);
		dss_devtab_fini(&old);
		if (rc == 0 || rc == -DER_DF_INVAL || rc == -DER_DF_INCOMPT) {
			if (!force) {
				D_ERROR("%s (%s device) holds a %s dstor device table: use --force to "
					"format it (every slice on it is lost)\n", p->dp_dev[r],
					roles, rc == 0 ? "valid" : "damaged or newer");
				return -DER_EXIST;
			}
			D_WARN("%s: forced format: its device table is replaced\n", p->dp_dev[r]);
		} else if (rc != -DER_NONEXIST) {
			DL_ERROR(rc, "%s (%s device) cannot be used", p->dp_dev[r], roles);
			return rc;
		}
	}
	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		char roles[32];

		if (!dev_first(r))
			continue;
		dev_roles_str(r, roles, sizeof(roles));
		rc = dss_devtab_init(p->dp_dev[r], sys, dev_roles(r), &dss_eng.e_devtab[r]);
		if (rc != 0) {
			DL_ERROR(rc, "%s: cannot write the device table", p->dp_dev[r]);
			return rc;
		}
		D_INFO("%s: %s device, %" PRIu64 " bytes for slices\n", p->dp_dev[r],
		       roles, dss_devtab_usable(&dss_eng.e_devtab[r]));
	}
	return 0;
}

/* DIR/devices: says that DIR is a control directory, and which devices it
 * was formatted with (a text file for people; the tables are the truth). */
static int
devs_marker_write(void)
{
	const struct dss_params *p = &dss_eng.e_params;
	char                     path[PATH_MAX], us[40], roles[32];
	FILE                    *f;
	int                      r, rc;

	rc = dss_path(path, sizeof(path), "%s/" DSS_DEVS_FILE, p->dp_dir);
	if (rc != 0)
		return rc;
	f = fopen(path, "w");
	if (f == NULL)
		return d_errno2der(errno);
	fprintf(f, "# dstor: this directory is the control directory of storage on these devices\n");
	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		if (!dev_first(r))
			continue;
		uuid_unparse_lower(dss_eng.e_devtab[r].dt_dev, us);
		fprintf(f, "%s %s %s\n", p->dp_dev[r], dev_roles_str(r, roles, sizeof(roles)), us);
	}
	rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -DER_IO;
	if (fclose(f) != 0 && rc == 0)
		rc = -DER_IO;
	return rc;
}

struct slice_req {
	uuid_t   sr_pool;
	uint32_t sr_tgt;
	uint64_t sr_len[DSS_DEV_ROLE_NR];
	uint64_t sr_off[DSS_DEV_ROLE_NR];
};

/* System thread: write the tables that changed (changed[r]). */
static int
devs_write(const bool *changed)
{
	int r, rc = 0;

	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		bool any = false;
		int  rc2, s;

		if (!dev_first(r))
			continue;
		for (s = 0; s < DSS_DEV_ROLE_NR; s++)
			any |= changed[s] && dss_eng.e_dev_first[s] == r;
		if (!any)
			continue;
		rc2 = dss_devtab_write(&dss_eng.e_devtab[r]);
		if (rc2 != 0) {
			DL_ERROR(rc2, "%s: cannot update the device table", dss_eng.e_devtab[r].dt_path);
			if (rc == 0)
				rc = rc2;
		}
	}
	return rc;
}

/* System thread: one slice on each device for (pool, target), durable before return. */
static int
devs_alloc(void *arg)
{
	struct slice_req *sr = arg;
	bool              changed[DSS_DEV_ROLE_NR] = {true, true, true};
	int               r, rc = 0;

	for (r = 0; r < DSS_DEV_ROLE_NR && rc == 0; r++)
		rc = dss_devtab_alloc(role_tab(r), sr->sr_pool, sr->sr_tgt, r,
				      sr->sr_len[r], &sr->sr_off[r]);
	if (rc == 0)
		rc = devs_write(changed);
	if (rc != 0) {
		/* in DRAM at once; on the devices with the next update (or at start) */
		for (r = 0; r < DSS_DEV_ROLE_NR; r++)
			dss_devtab_free(role_tab(r), sr->sr_pool, sr->sr_tgt);
		if (rc == -DER_NOSPACE)
			D_ERROR("pool " DF_UUID " tgt %u: no free run of %" PRIu64 "/%" PRIu64
				"/%" PRIu64 " bytes on the wal/meta/data devices\n",
				DP_UUID(sr->sr_pool), sr->sr_tgt, sr->sr_len[0], sr->sr_len[1],
				sr->sr_len[2]);
	}
	return rc;
}

/* System thread: free the slices of (pool, target) (UINT32_MAX: every target). */
static int
devs_free(void *arg)
{
	struct slice_req *sr = arg;
	bool              changed[DSS_DEV_ROLE_NR];
	int               r;

	for (r = 0; r < DSS_DEV_ROLE_NR; r++)
		changed[r] = dss_devtab_free(role_tab(r), sr->sr_pool, sr->sr_tgt) > 0;
	return devs_write(changed);
}

/* ---- superblock ---- */

static int
sb_encode(const struct dss_superblock *sb, void **buf, uint32_t *len)
{
	struct denc e;
	void       *body;
	uint32_t    blen;
	int         rc;

	denc_init(&e);
	denc_u32(&e, DSS_SB_VERSION);
	denc_str(&e, sb->sb_name);
	denc_uuid(&e, sb->sb_uuid);
	denc_u32(&e, sb->sb_rank);
	denc_u32(&e, sb->sb_nr_targets);
	rc = denc_finish(&e, 0, &body, &blen);
	if (rc != 0)
		return rc;
	denc_init(&e);
	denc_u64(&e, DSS_SB_MAGIC);
	denc_bytes(&e, body, blen);
	denc_u32(&e, vos_csum(body, blen));
	D_FREE(body);
	return denc_finish(&e, 0, buf, len);
}

int
dss_sb_read(const char *dir, struct dss_superblock *sb)
{
	char         path[PATH_MAX];
	char         buf[4096];
	struct ddec  d, b;
	const void  *body;
	size_t       blen;
	ssize_t      n;
	uint32_t     csum;
	int          fd, rc;

	rc = dss_path(path, sizeof(path), "%s/" DSS_SB_FILE, dir);
	if (rc != 0)
		return rc;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno == ENOENT ? -DER_NONEXIST : d_errno2der(errno);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return d_errno2der(errno);
	ddec_init(&d, buf, n);
	if (ddec_u64(&d) != DSS_SB_MAGIC)
		return -DER_DF_INVAL;
	body = ddec_bytes(&d, &blen);
	csum = ddec_u32(&d);
	if (ddec_finish(&d) != 0 || csum != vos_csum(body, blen))
		return -DER_DF_INVAL;
	ddec_init(&b, body, blen);
	if (ddec_u32(&b) > DSS_SB_VERSION)
		return -DER_DF_INCOMPT;
	ddec_str(&b, sb->sb_name, sizeof(sb->sb_name));
	ddec_uuid(&b, sb->sb_uuid);
	sb->sb_rank       = ddec_u32(&b);
	sb->sb_nr_targets = ddec_u32(&b);
	return ddec_finish(&b) == 0 ? 0 : -DER_DF_INVAL;
}

/* Write the superblock atomically: temporary file, fsync, rename, fsync the directory. */
static int
sb_write(const char *dir, const struct dss_superblock *sb)
{
	char     path[PATH_MAX], tmp[PATH_MAX];
	void    *buf;
	uint32_t len;
	int      fd, rc;

	rc = dss_path(path, sizeof(path), "%s/" DSS_SB_FILE, dir);
	if (rc == 0)
		rc = dss_path(tmp, sizeof(tmp), "%s/" DSS_SB_FILE ".tmp", dir);
	if (rc == 0)
		rc = sb_encode(sb, &buf, &len);
	if (rc != 0)
		return rc;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		rc = d_errno2der(errno);
		goto out;
	}
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) != 0)
		rc = errno == 0 ? -DER_IO : d_errno2der(errno);
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = d_errno2der(errno);
	if (rc == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
out:
	D_FREE(buf);
	return rc;
}

/* Names a format that was interrupted before its superblock may leave behind,
 * and the server's own pid and log files. */
static bool
dir_entry_ours(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "sys") == 0 ||
	       strcmp(name, DSS_SB_FILE ".tmp") == 0 || strcmp(name, DSS_DEVS_FILE) == 0 ||
	       (strncmp(name, "tgt", 3) == 0 && n > 3 && strspn(name + 3, "0123456789") == n - 3) ||
	       (n > 4 && strcmp(name + n - 4, ".pid") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".log") == 0);
}

/* Is dir missing, empty, or holding only the leftovers of an unfinished format? */
static bool
dir_blank(const char *dir)
{
	DIR           *d = opendir(dir);
	struct dirent *de;
	bool           blank = true;

	if (d == NULL)
		return errno == ENOENT;
	while ((de = readdir(d)) != NULL) {
		if (!dir_entry_ours(de->d_name)) {
			blank = false;
			break;
		}
	}
	closedir(d);
	return blank;
}

/* Remove what an unfinished format left (dir_blank said there is nothing else). */
static int
format_leftovers_remove(const char *dir)
{
	DIR           *d = opendir(dir);
	struct dirent *de;
	char           path[PATH_MAX];
	int            rc = 0;

	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, "sys") != 0 && strncmp(de->d_name, "tgt", 3) != 0)
			continue;
		rc = dss_path(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (rc == 0)
			rc = dss_rmtree(path);
	}
	closedir(d);
	return rc;
}

/*
 * Decide what the data directory is before anything is written: blank
 * (format needed), ours (superblock matches), or not ours (refuse). Errors
 * are printed here, where their meaning is known, in one line each.
 */
int
dss_storage_check(const struct dss_params *p, struct dss_superblock *sb, bool *blank)
{
	int rc;

	*blank = false;
	if (dss_devmode()) {
		rc = devs_map(p);
		if (rc != 0)
			return rc;
	}
	rc     = dss_sb_read(p->dp_dir, sb);
	if (rc == -DER_NONEXIST) {
		if (dir_blank(p->dp_dir)) {
			*blank = true;
			return 0;
		}
		fprintf(stderr,
			"daos_server: %s is not empty and has no %s: not a dstor data directory "
			"(refusing to touch it)\n",
			p->dp_dir, DSS_SB_FILE);
		return -DER_DF_INVAL;
	}
	if (rc == -DER_DF_INCOMPT) {
		fprintf(stderr, "daos_server: %s/%s was written by a newer version\n", p->dp_dir,
			DSS_SB_FILE);
		return rc;
	}
	if (rc != 0) {
		fprintf(stderr, "daos_server: %s/%s is unreadable or corrupt: %s\n", p->dp_dir,
			DSS_SB_FILE, d_errstr(rc));
		return rc;
	}
	if (!dss_devmode()) {
		char        path[PATH_MAX];
		struct stat st;

		if (dss_path(path, sizeof(path), "%s/" DSS_DEVS_FILE, p->dp_dir) == 0 &&
		    stat(path, &st) == 0) {
			fprintf(stderr,
				"daos_server: %s is the control directory of storage on block devices "
				"(see %s): start it with its configuration (control_metadata and kdev "
				"tiers), not as a data directory\n",
				p->dp_dir, path);
			return -DER_MISMATCH;
		}
	}
	if (strcmp(sb->sb_name, p->dp_name) != 0) {
		fprintf(stderr,
			"daos_server: %s belongs to system \"%s\", not \"%s\" (foreign storage; "
			"refusing to start)\n",
			p->dp_dir, sb->sb_name, p->dp_name);
		return -DER_MISMATCH;
	}
	if (sb->sb_nr_targets != p->dp_nr_targets) {
		fprintf(stderr,
			"daos_server: %s was formatted with %u targets, the configuration asks for "
			"%u (targets cannot change on formatted storage)\n",
			p->dp_dir, sb->sb_nr_targets, p->dp_nr_targets);
		return -DER_MISMATCH;
	}
	return dss_devmode() ? devs_check(p, sb) : 0;
}

int
dss_storage_space(uint64_t *total, uint64_t *free)
{
	struct statvfs sv;

	if (dss_devmode()) {
		/* what a pool's size is mostly made of: the DATA device */
		const struct dss_devtab *dt = role_tab(DSS_DEV_DATA);

		*total = dss_devtab_usable(dt);
		*free  = *total - MIN(*total, dss_devtab_used(dt));
		return 0;
	}
	if (statvfs(dss_eng.e_params.dp_dir, &sv) != 0)
		return d_errno2der(errno);
	*total = (uint64_t)sv.f_blocks * sv.f_frsize;
	*free  = (uint64_t)sv.f_bavail * sv.f_frsize;
	return 0;
}

/* ---- the system database ---- */

int
dss_sysdb_open(void)
{
	char path[PATH_MAX];
	int  rc;

	rc = dss_path(path, sizeof(path), "%s/sys", dss_eng.e_params.dp_dir);
	if (rc != 0)
		return rc;
	rc = vos_store_open(dss_eng.e_sys.x_sched, path, &dss_eng.e_sysdb);
	if (rc != 0) {
		DL_ERROR(rc, "cannot open the system database in %s", path);
		return rc;
	}
	rc = vos_cont_create(vos_store_vos(dss_eng.e_sysdb), sysdb_cont);
	if (rc == -DER_EXIST)
		rc = 0;
	if (rc != 0) {
		vos_store_close(dss_eng.e_sysdb, false);
		dss_eng.e_sysdb = NULL;
	}
	return rc;
}

void
dss_sysdb_close(void)
{
	if (dss_eng.e_sysdb == NULL)
		return;
	vos_store_close(dss_eng.e_sysdb, false);
	dss_eng.e_sysdb = NULL;
}

/*
 * Every put and delete adds a version (a delete is a punch): without
 * aggregation the index only grows, until it no longer fits its META slot
 * and the store refuses writes (a transaction's redo record is one put and
 * one delete). Reads are always of the latest and nothing is ever written
 * below the epoch of an earlier write (HLC stamps), so everything before
 * the last write may be folded: the bound follows the writes, set again at
 * most once per SYSDB_AGG_EVERY_NS (the store's ULT does the passes).
 */
#define SYSDB_AGG_EVERY_NS (1000ULL * 1000 * 1000)

static void
sysdb_agg_advance(daos_epoch_t written)
{
	static uint64_t last_ns;
	uint64_t        now = d_gettime_ns();

	if (last_ns != 0 && now - last_ns < SYSDB_AGG_EVERY_NS)
		return;
	last_ns = now;
	if (vos_store_agg_set(dss_eng.e_sysdb, sysdb_cont, written - 1, NULL, 0) != 0)
		D_WARN("system database: aggregation not set; its index keeps every version\n");
}

static daos_obj_id_t
sysdb_oid(enum dss_sysdb_table tbl)
{
	daos_obj_id_t oid = {.lo = tbl, .hi = 0};

	return oid;
}

static struct vos *
sysdb_vos(void)
{
	D_ASSERT(dss_tgt_self() == -1);
	return dss_eng.e_sysdb == NULL ? NULL : vos_store_vos(dss_eng.e_sysdb);
}

int
dss_sysdb_put(enum dss_sysdb_table tbl, const void *key, size_t klen, const void *val,
	      size_t vlen)
{
	struct vos      *vos = sysdb_vos();
	struct vos_value v   = {0};
	struct vos_iod   iod = {0};
	d_iov_t          dkey;
	daos_epoch_t     epoch;
	int              rc;

	if (vos == NULL)
		return -DER_UNINIT;
	if (klen == 0 || vlen == 0)
		return -DER_INVAL;
	d_iov_set(&dkey, (void *)key, klen);
	d_iov_set(&iod.vi_name, "v", 1);
	v.vv_buf    = val;
	v.vv_csum   = vos_csum(val, vlen);
	iod.vi_type = DAOS_IOD_SINGLE;
	iod.vi_size = vlen;
	iod.vi_nr   = 1;
	iod.vi_vals = &v;
	epoch       = d_hlc_get();
	rc          = vos_obj_update(vos, sysdb_cont, sysdb_oid(tbl), epoch, 0, &dkey, 1, &iod);
	if (rc == 0)
		sysdb_agg_advance(epoch);
	return rc;
}

int
dss_sysdb_get(enum dss_sysdb_table tbl, const void *key, size_t klen, void **val, size_t *vlen)
{
	struct vos      *vos = sysdb_vos();
	struct vos_fetch f   = {0};
	d_iov_t          dkey;
	int              rc;

	if (vos == NULL)
		return -DER_UNINIT;
	d_iov_set(&dkey, (void *)key, klen);
	d_iov_set(&f.vf_name, "v", 1);
	f.vf_type = DAOS_IOD_SINGLE;
	rc        = vos_obj_fetch(vos, sysdb_cont, sysdb_oid(tbl), DAOS_EPOCH_MAX, 0, &dkey, 1, &f);
	if (rc != 0)
		return rc;
	if (f.vf_size == 0)
		return -DER_NONEXIST;
	D_ALLOC(f.vf_buf, f.vf_size);
	if (f.vf_buf == NULL)
		return -DER_NOMEM;
	f.vf_buf_len = f.vf_size;
	rc = vos_obj_fetch(vos, sysdb_cont, sysdb_oid(tbl), DAOS_EPOCH_MAX, 0, &dkey, 1, &f);
	if (rc != 0) {
		D_FREE(f.vf_buf);
		return rc;
	}
	*val  = f.vf_buf;
	*vlen = f.vf_size;
	return 0;
}

int
dss_sysdb_del(enum dss_sysdb_table tbl, const void *key, size_t klen)
{
	struct vos *vos = sysdb_vos();
	d_iov_t     dkey;

	if (vos == NULL)
		return -DER_UNINIT;
	daos_epoch_t epoch = d_hlc_get();
	int          rc;

	d_iov_set(&dkey, (void *)key, klen);
	rc = vos_obj_punch(vos, sysdb_cont, sysdb_oid(tbl), epoch, 0, &dkey, 0, NULL);
	if (rc == 0)
		sysdb_agg_advance(epoch);
	return rc;
}

#define SYSDB_LIST_NR  64
#define SYSDB_KEYS_BUF (SYSDB_LIST_NR * 256)

int
dss_sysdb_foreach(enum dss_sysdb_table tbl,
		  int (*cb)(const void *key, size_t klen, const void *val, size_t vlen, void *arg),
		  void *arg)
{
	struct vos          *vos    = sysdb_vos();
	vos_anchor_t         anchor = VOS_ANCHOR_INIT;
	struct vos_key_desc *kds    = NULL;
	char                *keys   = NULL;
	size_t               cap    = SYSDB_KEYS_BUF;
	int                  rc     = 0;

	if (vos == NULL)
		return -DER_UNINIT;
	D_ALLOC_ARRAY(kds, SYSDB_LIST_NR);
	D_ALLOC(keys, cap);
	if (kds == NULL || keys == NULL) {
		rc = -DER_NOMEM;
		goto out;
	}
	while (rc == 0 && !vos_anchor_is_eof(&anchor)) {
		uint32_t nr = SYSDB_LIST_NR;
		size_t   off = 0;
		uint32_t i;

		rc = vos_obj_list_keys(vos, sysdb_cont, sysdb_oid(tbl), DAOS_EPOCH_MAX, NULL,
				       &anchor, &nr, kds, keys, cap);
		if (rc == -DER_KEY2BIG) {
			/* one key longer than the buffer: grow to what it needs */
			size_t need = kds[0].kd_len;
			char  *nk;

			D_REALLOC(nk, keys, cap, need);
			if (nk == NULL) {
				rc = -DER_NOMEM;
				break;
			}
			keys = nk;
			cap  = need;
			rc   = 0;
			continue;
		}
		for (i = 0; rc == 0 && i < nr; i++) {
			void  *val;
			size_t vlen;

			rc = dss_sysdb_get(tbl, keys + off, kds[i].kd_len, &val, &vlen);
			if (rc == -DER_NONEXIST) {
				rc = 0; /* deleted by a ULT that ran while we yielded */
			} else if (rc == 0) {
				rc = cb(keys + off, kds[i].kd_len, val, vlen, arg);
				D_FREE(val);
			}
			off += kds[i].kd_len;
		}
	}
out:
	D_FREE(kds);
	D_FREE(keys);
	return rc;
}

/* ---- pool shards (target thread) ---- */

int
dss_shard_split(uint64_t share, struct dss_shard_size *sz)
{
	const struct dss_params *p = &dss_eng.e_params;

	if (share < DSS_SHARD_MIN)
		return -DER_INVAL;
	sz->ss_wal  = p->dp_shard_wal != 0 ? p->dp_shard_wal
					   : MIN(MAX(share / 25, 8ull << 20), 256ull << 20);
	sz->ss_meta = p->dp_shard_meta != 0 ? p->dp_shard_meta : MAX(share * 6 / 100, 8ull << 20);
	sz->ss_wal &= ~4095ull;
	sz->ss_meta &= ~4095ull;
	if (sz->ss_wal + sz->ss_meta + DSS_SHARD_DATA_MIN > share)
		return -DER_INVAL;
	sz->ss_data = (share - sz->ss_wal - sz->ss_meta) & ~4095ull;
	return 0;
}

static struct dss_shard *
shard_find(struct dss_xs *xs, const uuid_t pool)
{
	struct dss_shard *sh;

	d_list_for_each_entry(sh, &xs->x_shards, sh_link) {
		if (uuid_compare(sh->sh_pool, pool) == 0)
			return sh;
	}
	return NULL;
}

static int
shard_add(struct dss_xs *xs, const uuid_t pool, const char *path)
{
	struct dss_shard *sh;
	int               rc;

	D_ALLOC_PTR(sh);
	if (sh == NULL)
		return -DER_NOMEM;
	rc = vos_store_open(xs->x_sched, path, &sh->sh_store);
	if (rc != 0) {
		DL_ERROR(rc, "tgt %d: cannot open pool shard %s", xs->x_tgt, path);
		D_FREE(sh);
		return rc;
	}
	uuid_copy(sh->sh_pool, pool);
	d_list_add_tail(&sh->sh_link, &xs->x_shards);
	return 0;
}

static const char *const region_file[DSS_DEV_ROLE_NR] = {"wal", "meta", "data"};

static void
dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* The links of a shard's regions to the slices e[] (one per role). */
static int
shard_links_write(const char *path, const struct dss_devtab_ent *const *e)
{
	char link[PATH_MAX];
	int  r, rc;

	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return d_errno2der(errno);
	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		rc = dss_path(link, sizeof(link), "%s/%s", path, region_file[r]);
		if (rc == 0)
			rc = bio_slice_link_write(link, dss_eng.e_params.dp_dev[r], e[r]->de_off,
						  e[r]->de_len);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
shard_slices_free(int tgt, const uuid_t pool)
{
	struct slice_req sr = {.sr_tgt = (uint32_t)tgt};
	int              rc;

	uuid_copy(sr.sr_pool, pool);
	rc = dss_sys_run(devs_free, &sr);
	if (rc != 0)
		DL_ERROR(rc, "tgt %d: pool " DF_UUID ": slices not freed (freed at next start)",
			 tgt, DP_UUID(pool));
	return rc;
}

/* Block devices: allocate the shard's slices (durable) and link its regions to them. */
static int
shard_slices_create(int tgt, const uuid_t pool, const struct dss_shard_size *sz,
		    const char *path)
{
	struct slice_req             sr = {.sr_tgt = (uint32_t)tgt};
	struct dss_devtab_ent        ent[DSS_DEV_ROLE_NR];
	const struct dss_devtab_ent *e[DSS_DEV_ROLE_NR];
	char                         tdir[PATH_MAX];
	int                          r, rc;

	uuid_copy(sr.sr_pool, pool);
	sr.sr_len[DSS_DEV_WAL]  = sz->ss_wal;
	sr.sr_len[DSS_DEV_META] = sz->ss_meta;
	sr.sr_len[DSS_DEV_DATA] = sz->ss_data;
	rc = dss_sys_run(devs_alloc, &sr);
	if (rc != 0)
		return rc;
	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		ent[r].de_off = sr.sr_off[r];
		ent[r].de_len = (sr.sr_len[r] + 4095) & ~4095ull;
		e[r]          = &ent[r];
	}
	rc = shard_links_write(path, e);
	if (rc == 0 && dss_path(tdir, sizeof(tdir), "%s/tgt%d", dss_eng.e_params.dp_dir, tgt) == 0)
		dir_sync(tdir);
	if (rc != 0) {
		DL_ERROR(rc, "tgt %d: cannot link pool shard %s to its slices", tgt, path);
		dss_rmtree(path);
		shard_slices_free(tgt, pool);
	}
	return rc;
}

int
dss_shard_create(const uuid_t pool, const struct dss_shard_size *sz)
{
	struct dss_xs *xs = dss_xs_self();
	char           path[PATH_MAX];
	int            rc;

	D_ASSERT(xs->x_tgt >= 0);
	if (shard_find(xs, pool) != NULL)
		return -DER_EXIST;
	rc = shard_path(path, sizeof(path), xs->x_tgt, pool);
	if (rc != 0)
		return rc;
	if (dss_devmode()) {
		rc = shard_slices_create(xs->x_tgt, pool, sz, path);
		if (rc != 0)
			return rc;
	}
	rc = vos_store_format(path, sz->ss_wal, sz->ss_meta, sz->ss_data);
	if (rc != 0) {
		DL_ERROR(rc, "tgt %d: cannot format pool shard %s", xs->x_tgt, path);
		goto undo;
	}
	rc = shard_add(xs, pool, path);
	if (rc == 0)
		return 0;
undo:
	dss_rmtree(path);
	if (dss_devmode())
		shard_slices_free(xs->x_tgt, pool);
	return rc;
}

int
dss_shard_open(const uuid_t pool)
{
	struct dss_xs *xs = dss_xs_self();
	char           path[PATH_MAX];
	struct stat    st;
	int            rc;

	D_ASSERT(xs->x_tgt >= 0);
	if (shard_find(xs, pool) != NULL)
		return 0;
	rc = shard_path(path, sizeof(path), xs->x_tgt, pool);
	if (rc != 0)
		return rc;
	if (stat(path, &st) != 0)
		return -DER_NONEXIST;
	return shard_add(xs, pool, path);
}

/* What the shard's storage did since it opened, for the log: how well group
 * commit packs and how much went where. */
static void
shard_log_stats(struct dss_xs *xs, struct dss_shard *sh)
{
	struct bio_stats st;

	bio_stats_get(vos_store_bio(sh->sh_store), &st);
	D_INFO("target %u shard " DF_UUID ": WAL %" PRIu64 " groups, %" PRIu64
	       " records (%.1f a group), %" PRIu64 " MiB; DATA %" PRIu64 " writes in %" PRIu64
	       " submits, %" PRIu64 " MiB; %" PRIu64 " checkpoints\n",
	       xs->x_tgt, DP_UUID(sh->sh_pool), st.wal_flushes, st.wal_records,
	       st.records_per_flush, st.wal_bytes >> 20, st.data_writes, st.data_submits,
	       st.data_bytes >> 20, st.ckpts);
}

int
dss_shard_close(const uuid_t pool, bool destroy)
{
	struct dss_xs    *xs = dss_xs_self();
	struct dss_shard *sh = shard_find(xs, pool);
	char              path[PATH_MAX];
	int               rc;

	if (sh != NULL) {
		d_list_del(&sh->sh_link);
		shard_log_stats(xs, sh);
		vos_store_close(sh->sh_store, destroy);
		D_FREE(sh);
	}
	if (!destroy)
		return 0;
	rc = shard_path(path, sizeof(path), xs->x_tgt, pool);
	if (rc == 0)
		rc = dss_rmtree(path);
	/* after the links are gone: a crash in between leaves slices nobody links to,
	 * freed at the next start */
	if (rc == 0 && dss_devmode())
		rc = shard_slices_free(xs->x_tgt, pool);
	return rc;
}

void
dss_shards_close_all(struct dss_xs *xs)
{
	struct dss_shard *sh, *tmp;

	d_list_for_each_entry_safe(sh, tmp, &xs->x_shards, sh_link) {
		d_list_del(&sh->sh_link);
		shard_log_stats(xs, sh);
		vos_store_close(sh->sh_store, false);
		D_FREE(sh);
	}
}

struct vos_store *
dss_shard_store(const uuid_t pool)
{
	struct dss_shard *sh = shard_find(dss_xs_self(), pool);

	return sh == NULL ? NULL : sh->sh_store;
}

int
dss_shard_space(const uuid_t pool, uint64_t *data_total, uint64_t *data_free,
		uint64_t *meta_total)
{
	struct vos_store *vs = dss_shard_store(pool);
	struct bio_space  sp;

	if (vs == NULL)
		return -DER_NONEXIST;
	bio_space_query(vos_store_bio(vs), BIO_REGION_DATA, &sp);
	*data_total = sp.bs_total;
	*data_free  = sp.bs_free;
	bio_space_query(vos_store_bio(vs), BIO_REGION_META, &sp);
	*meta_total = sp.bs_total;
	return 0;
}

/* ---- format ---- */

static int
format_tgt_dirs(void)
{
	char     path[PATH_MAX];
	uint32_t i;
	int      rc;

	for (i = 0; i < dss_eng.e_params.dp_nr_targets; i++) {
		rc = dss_path(path, sizeof(path), "%s/tgt%u", dss_eng.e_params.dp_dir, i);
		if (rc != 0)
			return rc;
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return d_errno2der(errno);
	}
	return 0;
}

static int
wipe_tgt(int tgt, void *arg)
{
	char path[PATH_MAX];
	int  rc;

	(void)arg;
	dss_shards_close_all(dss_xs_self());
	rc = dss_path(path, sizeof(path), "%s/tgt%d", dss_eng.e_params.dp_dir, tgt);
	return rc != 0 ? rc : dss_rmtree(path);
}

int
dss_storage_format(bool force)
{
	struct dss_params     *p = &dss_eng.e_params;
	struct dss_superblock  sb;
	char                   path[PATH_MAX];
	int                    rc;

	if (dss_eng.e_state == DSS_STOPPING)
		return -DER_SHUTDOWN;
	if (dss_eng.e_state == DSS_READY) {
		if (!force)
			return -DER_EXIST;
		D_WARN("forced format of %s: every pool is removed\n", p->dp_dir);
		dss_modules_unload();
		dss_eng.e_state = DSS_AWAIT_FORMAT;
		rc = dss_tgt_foreach(wipe_tgt, NULL);
		dss_sysdb_close();
		if (rc == 0)
			rc = dss_path(path, sizeof(path), "%s/sys", p->dp_dir);
		if (rc == 0)
			rc = dss_rmtree(path);
		if (rc != 0) {
			DL_ERROR(rc, "cannot remove the old storage");
			return rc;
		}
	}
	if (mkdir(p->dp_dir, 0755) != 0 && errno != EEXIST)
		return d_errno2der(errno);
	memset(&sb, 0, sizeof(sb));
	uuid_generate(sb.sb_uuid);
	if (dss_devmode()) {
		/* A crash after this and before the superblock leaves devices with a
		 * table of a system that never was: the next format needs --force. */
		rc = devs_format(force, sb.sb_uuid);
		if (rc == 0)
			rc = devs_marker_write();
		if (rc != 0)
			return rc;
	} else {
		/* what an unfinished format on block devices may have left */
		rc = dss_path(path, sizeof(path), "%s/" DSS_DEVS_FILE, p->dp_dir);
		if (rc == 0 && unlink(path) != 0 && errno != ENOENT)
			rc = d_errno2der(errno);
		if (rc != 0)
			return rc;
	}
	rc = format_leftovers_remove(p->dp_dir);
	if (rc == 0)
		rc = format_tgt_dirs();
	if (rc == 0)
		rc = dss_path(path, sizeof(path), "%s/sys", p->dp_dir);
	if (rc == 0)
		rc = vos_store_format(path, SYSDB_WAL_SIZE, SYSDB_META_SIZE, SYSDB_DATA_SIZE);
	if (rc != 0) {
		DL_ERROR(rc, "cannot format %s", p->dp_dir);
		return rc;
	}
	/* The superblock goes last: a crash before it leaves storage that is
	 * not ours yet, and the next format starts over. */
	snprintf(sb.sb_name, sizeof(sb.sb_name), "%s", p->dp_name);
	sb.sb_rank       = 0;
	sb.sb_nr_targets = p->dp_nr_targets;
	rc               = sb_write(p->dp_dir, &sb);
	if (rc != 0) {
		DL_ERROR(rc, "cannot write the superblock in %s", p->dp_dir);
		return rc;
	}
	dss_eng.e_sb = sb;
	rc           = dss_sysdb_open();
	if (rc == 0)
		rc = dss_modules_load();
	if (rc == 0) {
		dss_eng.e_state = DSS_READY;
		D_INFO("formatted %s for system %s\n", p->dp_dir, p->dp_name);
	}
	return rc;
}

/* ---- block devices at start, and their space ---- */

int
dss_devs_reconcile(void)
{
	bool     changed[DSS_DEV_ROLE_NR] = {false};
	uint32_t nfreed = 0, nlinks = 0;
	int      r, rc;

	if (!dss_devmode())
		return 0;
	for (r = 0; r < DSS_DEV_ROLE_NR; r++) {
		struct dss_devtab *dt = &dss_eng.e_devtab[r];
		uint32_t           i  = 0;

		while (dev_first(r) && i < dt->dt_nr) {
			uuid_t pool;
			void  *val;
			size_t vlen;

			uuid_copy(pool, dt->dt_ents[i].de_pool);
			rc = dss_sysdb_get(DSS_TBL_POOL, pool, sizeof(uuid_t), &val, &vlen);
			if (rc == 0) {
				D_FREE(val);
				i++;
				continue;
			}
			if (rc != -DER_NONEXIST)
				return rc;
			D_WARN("%s: slices of pool " DF_UUID ", which has no record, are freed\n",
			       dt->dt_path, DP_UUID(pool));
			nfreed += dss_devtab_free(dt, pool, UINT32_MAX);
			changed[r] = true;
		}
	}
	rc = devs_write(changed);
	if (rc != 0)
		return rc;

	/* Every slice of a (pool, target) with all three roles: its links say so. */
	for (r = 0; r < (int)role_tab(DSS_DEV_WAL)->dt_nr; r++) {
		const struct dss_devtab_ent *w = &role_tab(DSS_DEV_WAL)->dt_ents[r];
		const struct dss_devtab_ent *e[DSS_DEV_ROLE_NR];
		char                         path[PATH_MAX], link[PATH_MAX], dev[PATH_MAX];
		uint64_t                     off, len;
		bool                         good = true;
		int                          k;

		if (w->de_role != DSS_DEV_WAL)
			continue; /* another role of a shared device */
		e[DSS_DEV_WAL] = w;
		for (k = 1; k < DSS_DEV_ROLE_NR; k++)
			e[k] = dss_devtab_find(role_tab(k), w->de_pool, w->de_tgt, k);
		if (e[DSS_DEV_META] == NULL || e[DSS_DEV_DATA] == NULL ||
		    w->de_tgt >= dss_eng.e_params.dp_nr_targets)
			continue; /* an unfinished create: its pool is removed by the pool service */
		rc = shard_path(path, sizeof(path), (int)w->de_tgt, w->de_pool);
		if (rc != 0)
			return rc;
		for (k = 0; k < DSS_DEV_ROLE_NR && good; k++) {
			good = dss_path(link, sizeof(link), "%s/%s", path, region_file[k]) == 0 &&
			       bio_slice_link_read(link, dev, sizeof(dev), &off, &len) == 0 &&
			       strcmp(dev, dss_eng.e_params.dp_dev[k]) == 0 &&
			       off == e[k]->de_off && len == e[k]->de_len;
		}
		if (good)
			continue;
		D_WARN("%s: links rewritten from the device tables\n", path);
		rc = shard_links_write(path, e);
		if (rc != 0) {
			DL_ERROR(rc, "%s: cannot write the links of a shard", path);
			return rc;
		}
		nlinks++;
	}
	D_INFO("device tables: %u/%u/%u slices, %u freed, %u shards relinked\n",
	       dss_eng.e_devtab[0].dt_nr, dss_eng.e_devtab[1].dt_nr, dss_eng.e_devtab[2].dt_nr,
	       nfreed, nlinks);
	return 0;
}

int
dss_storage_devices(struct dss_dev_space *ds, int max)
{
	static char roles[DSS_DEV_ROLE_NR][32]; /* system thread only */
	int         r, n = 0;

	if (!dss_devmode())
		return 0;
	for (r = 0; r < DSS_DEV_ROLE_NR && n < max; r++) {
		const struct dss_devtab *dt = &dss_eng.e_devtab[r];

		if (!dev_first(r))
			continue;
		ds[n].ds_path   = dss_eng.e_params.dp_dev[r];
		ds[n].ds_role   = dev_roles_str(r, roles[n], sizeof(roles[n]));
		ds[n].ds_total  = dss_devtab_usable(dt);
		ds[n].ds_free   = ds[n].ds_total - MIN(ds[n].ds_total, dss_devtab_used(dt));
		ds[n].ds_slices = dt->dt_nr;
		n++;
	}
	return n;
}
