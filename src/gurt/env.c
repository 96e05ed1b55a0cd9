/*
 * Environment access. libc's getenv is not safe against a concurrent setenv,
 * so every read and write here goes through one rwlock; programs that use
 * these wrappers consistently get thread-safe environment access.
 */
#include <gurt/common.h>

static pthread_rwlock_t d_env_lock = PTHREAD_RWLOCK_INITIALIZER;

bool
d_isenv_def(char *name)
{
	bool def;

	pthread_rwlock_rdlock(&d_env_lock);
	def = getenv(name) != NULL;
	pthread_rwlock_unlock(&d_env_lock);
	return def;
}

int
d_getenv_str(char *str_val, size_t str_size, const char *name)
{
	const char *env;
	size_t      len;
	int         rc = 0;

	if (str_val == NULL || str_size == 0 || name == NULL)
		return -DER_INVAL;
	pthread_rwlock_rdlock(&d_env_lock);
	env = getenv(name);
	if (env == NULL) {
		rc = -DER_NONEXIST;
		goto out;
	}
	len = strnlen(env, str_size);
	if (len == str_size) {
		len = str_size - 1;
		rc  = -DER_TRUNC;
	}
	memcpy(str_val, env, len);
	str_val[len] = '\0';
out:
	pthread_rwlock_unlock(&d_env_lock);
	return rc;
}

int
d_agetenv_str(char **str_val, const char *name)
{
	const char *env;
	int         rc = 0;

	if (str_val == NULL || name == NULL)
		return -DER_INVAL;
	*str_val = NULL;
	pthread_rwlock_rdlock(&d_env_lock);
	env = getenv(name);
	if (env == NULL) {
		rc = -DER_NONEXIST;
		goto out;
	}
	D_STRNDUP(*str_val, env, strlen(env));
	if (*str_val == NULL)
		rc = -DER_NOMEM;
out:
	pthread_rwlock_unlock(&d_env_lock);
	return rc;
}

void
d_freeenv_str(char **str_val)
{
	if (str_val != NULL)
		D_FREE(*str_val);
}

/*
 * The parsing readers copy the value out under the lock, then parse the copy.
 * Values longer than this are not numbers or characters anyway.
 */
#define D_ENV_SHORT 64

int
d_getenv_bool(const char *name, bool *bool_val)
{
	char      buf[D_ENV_SHORT];
	char     *end;
	long long val;
	int       rc;

	if (name == NULL || bool_val == NULL)
		return -DER_INVAL;
	rc = d_getenv_str(buf, sizeof(buf), name);
	if (rc == -DER_TRUNC) {
		*bool_val = true; /* long text: not an integer, so true */
		return 0;
	}
	if (rc != 0)
		return rc;
	errno     = 0;
	val       = strtoll(buf, &end, 10);
	*bool_val = errno != 0 || end == buf || *end != '\0' || val != 0;
	return 0;
}

int
d_getenv_char(const char *name, char *char_val)
{
	char buf[D_ENV_SHORT];
	int  rc;

	if (name == NULL || char_val == NULL)
		return -DER_INVAL;
	rc = d_getenv_str(buf, sizeof(buf), name);
	if (rc == -DER_TRUNC || (rc == 0 && strlen(buf) != 1))
		return -DER_INVAL;
	if (rc == 0)
		*char_val = buf[0];
	return rc;
}

/*
 * Unsigned integer of at most max: decimal, 0x hex or 0 octal. Negative
 * numbers and trailing garbage are -DER_INVAL, too large is -DER_INVAL too
 * (nothing is silently wrapped).
 */
static int
d_getenv_ull(const char *name, unsigned long long max, unsigned long long *val)
{
	char               buf[D_ENV_SHORT];
	char              *p = buf;
	char              *end;
	unsigned long long v;
	int                rc;

	if (name == NULL || val == NULL)
		return -DER_INVAL;
	rc = d_getenv_str(buf, sizeof(buf), name);
	if (rc == -DER_TRUNC)
		return -DER_INVAL;
	if (rc != 0)
		return rc;
	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	v     = strtoull(p, &end, 0);
	if (*p == '-' || end == p || *end != '\0' || errno != 0 || v > max)
		return -DER_INVAL;
	*val = v;
	return 0;
}

/* The typed readers differ only in their type and its maximum. */
#define D_GETENV_UNSIGNED(func, type, max)                                                         \
	int func(const char *name, type *val)                                                      \
	{                                                                                          \
		unsigned long long v;                                                              \
		int                rc;                                                             \
                                                                                                   \
		if (val == NULL)                                                                   \
			return -DER_INVAL;                                                         \
		rc = d_getenv_ull(name, max, &v);                                                  \
		if (rc == 0)                                                                       \
			*val = (type)v;                                                            \
		return rc;                                                                         \
	}

D_GETENV_UNSIGNED(d_getenv_uint, unsigned int, UINT_MAX)
D_GETENV_UNSIGNED(d_getenv_uint32_t, uint32_t, UINT32_MAX)
D_GETENV_UNSIGNED(d_getenv_uint64_t, uint64_t, UINT64_MAX)

int
d_getenv_int(const char *name, unsigned int *uint_val)
{
	return d_getenv_uint(name, uint_val);
}

/* putenv, setenv, unsetenv and clearenv under the write lock; libc's error as a DER code. */
static int
d_env_write_rc(int rc)
{
	if (rc == 0)
		return 0;
	return errno == EINVAL ? -DER_INVAL : d_errno2der(errno);
}

int
d_putenv(char *name)
{
	int rc;

	pthread_rwlock_wrlock(&d_env_lock);
	rc = putenv(name);
	pthread_rwlock_unlock(&d_env_lock);
	return d_env_write_rc(rc);
}

int
d_setenv(const char *name, const char *value, int overwrite)
{
	int rc;

	pthread_rwlock_wrlock(&d_env_lock);
	rc = setenv(name, value, overwrite);
	pthread_rwlock_unlock(&d_env_lock);
	return d_env_write_rc(rc);
}

int
d_unsetenv(const char *name)
{
	int rc;

	pthread_rwlock_wrlock(&d_env_lock);
	rc = unsetenv(name);
	pthread_rwlock_unlock(&d_env_lock);
	return d_env_write_rc(rc);
}

int
d_clearenv(void)
{
	int rc;

	pthread_rwlock_wrlock(&d_env_lock);
	rc = clearenv();
	pthread_rwlock_unlock(&d_env_lock);
	return rc == 0 ? 0 : -DER_MISC;
}
