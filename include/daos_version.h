/*
 * daos_version.h - the version of the DAOS client API these headers provide.
 *
 * Programs written for DAOS choose their code paths from DAOS_API_VERSION_*
 * (typically with their own CHECK_DAOS_API_VERSION(major, minor) macro, which
 * is why this header does not define one). We provide the API of DAOS 2.8
 * (libdaos.so.2.8.0); DAOS_VERSION_* is the DAOS release that API shipped in.
 */
#ifndef __DAOS_VERSION_H__
#define __DAOS_VERSION_H__

#include <stdint.h>

/*
 * A packed version, most significant byte first: major, minor, patch, protocol.
 * The byte order of the struct view below is that of little-endian machines.
 */
typedef union {
	uint32_t raw;
	struct {
		uint8_t protocol;
		uint8_t patch;
		uint8_t minor;
		uint8_t major;
	};
} daos_version_t;

#define DAOS_API_VERSION_MAJOR 2
#define DAOS_API_VERSION_MINOR 8
#define DAOS_API_VERSION_FIX   0

#define DAOS_VERSION_MAJOR 2
#define DAOS_VERSION_MINOR 8
#define DAOS_VERSION_FIX   0

/* Client/server RPC compatibility number (DAOS's spelling). */
#define DAOS_VERSION_PROTOCAL 1

/* Fill ver with the release version of these headers. */
static inline void
daos_version_pack(daos_version_t *ver)
{
	ver->major    = DAOS_VERSION_MAJOR;
	ver->minor    = DAOS_VERSION_MINOR;
	ver->patch    = DAOS_VERSION_FIX;
	ver->protocol = DAOS_VERSION_PROTOCAL;
}

static inline uint8_t
daos_version_get_protocol(const daos_version_t *ver)
{
	return ver->protocol;
}

#endif /* __DAOS_VERSION_H__ */
