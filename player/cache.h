/* cache: the offline copy of the last good feed and its images, as files in
 * one directory, so that a player that boots without network shows what it
 * showed before instead of a black screen.
 *
 * Every file is written atomically (a temp file in the same directory,
 * fsync, rename over the old name, fsync of the directory), so a power cut
 * leaves either the old or the new file, never half of one. Every file
 * starts with a 24-byte header (magic "SGNCACHE", format version, payload
 * length, CRC-32 of the payload); a file whose header, length or checksum
 * does not match is damaged: it is renamed to <name>.bad (one log line) and
 * treated as missing.
 *
 * Where the directory is (cache_default_dir, used when the config's
 * cache_dir is empty):
 *   - run as a service: /var/cache/signage-player. "A service" means the
 *     INVOCATION_ID variable is set (systemd sets it for every unit it
 *     starts) or the process runs as uid 0 without a HOME;
 *   - otherwise $XDG_CACHE_HOME/signage-player, else
 *     $HOME/.cache/signage-player;
 *   - with neither, /var/cache/signage-player.
 * The directory (and missing parents) is created with mode 0755. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_HEADER_SIZE 24
#define CACHE_MAX_NAME 128
#define CACHE_TEMP_STALE 60 /* seconds: an older temp file is a dead writer's */

typedef struct cache cache;

/* Opens (creating it if needed) the cache directory. NULL (logged) when it
 * cannot be created, is not a directory or is not writable. Removes the
 * temp files (".<name>.XXXXXX") of writes that never finished, once they
 * are CACHE_TEMP_STALE seconds old; other files are left alone. */
cache *cache_create(const char *dir);
void cache_destroy(cache *c);

const char *cache_dir(const cache *c);

/* Writes the default directory (rules above) into out. False if it does
 * not fit. */
bool cache_default_dir(char *out, size_t out_size);

/* Atomically replaces file `name` (a plain file name, no '/') with a header
 * and `data`. False (logged) on any I/O error; the old file is then kept. */
bool cache_write(cache *c, const char *name, const void *data, size_t len);

/* Reads and verifies file `name`. On success *data is a malloc'd buffer of
 * *len payload bytes plus a terminating NUL (not counted). Missing file:
 * false, quietly. A damaged file, one whose payload exceeds max_len or one
 * that is not a regular file (a FIFO never blocks the read):
 * renamed to <name>.bad, one log line, false. */
bool cache_read(cache *c, const char *name, size_t max_len, char **data, size_t *len);

/* True if `name` exists and verifies (reads it whole). A damaged file is
 * moved aside as in cache_read. */
bool cache_check(cache *c, const char *name);

/* Removes `name` if it exists. */
void cache_remove(cache *c, const char *name);

/* Full path of file `name` in the cache into out. False if it does not fit. */
bool cache_path(const cache *c, const char *name, char *out, size_t out_size);

/* Wraps and unwraps the on-disk format, for readers that hold a whole file
 * in memory (image.c reads cached images this way). cache_unwrap returns
 * false when buf does not start with the cache magic; *ok tells whether a
 * file that has the magic verified (length and CRC). */
bool cache_unwrap(const void *buf, size_t len, const void **payload, size_t *payload_len,
                  bool *ok);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of len bytes, continuing from crc
 * (start with 0). */
uint32_t cache_crc32(uint32_t crc, const void *data, size_t len);

/* File name for a URL: 16 hex digits of its 64-bit FNV-1a hash and the
 * suffix, e.g. "img-0123456789abcdef". out must hold at least 32 bytes. */
void cache_name_for_url(const char *url, const char *prefix, char *out, size_t out_size);
