#define LOG_MODULE "cache"
#include "cache.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "util.h"

static const char cache_magic[8] = {'S', 'G', 'N', 'C', 'A', 'C', 'H', 'E'};
enum { CACHE_VERSION = 1 };

struct cache {
    char dir[1024];
};

uint32_t cache_crc32(uint32_t crc, const void *data, size_t len)
{
    /* Bitwise CRC-32, reflected polynomial 0xEDB88320; a nibble table keeps
     * it fast enough (a few hundred MB/s) without a static 1 KiB table. */
    static const uint32_t nibble[16] = {0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
                                        0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
                                        0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
                                        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ nibble[crc & 15];
        crc = (crc >> 4) ^ nibble[crc & 15];
    }
    return ~crc;
}

void cache_name_for_url(const char *url, const char *prefix, char *out, size_t out_size)
{
    uint64_t h = hash_bytes(url, strlen(url));
    snprintf(out, out_size, "%s%016llx", prefix, (unsigned long long)h);
}

static bool mkdir_p(const char *dir)
{
    char tmp[1024];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
        return false;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(tmp, 0755) == 0 || errno == EEXIST;
}

bool cache_default_dir(char *out, size_t out_size)
{
    const char *home = getenv("HOME");
    const char *xdg = getenv("XDG_CACHE_HOME");
    bool service = getenv("INVOCATION_ID") || (getuid() == 0 && (!home || !*home));
    int n;
    if (service)
        n = snprintf(out, out_size, "/var/cache/signage-player");
    else if (xdg && xdg[0] == '/')
        n = snprintf(out, out_size, "%s/signage-player", xdg);
    else if (home && *home)
        n = snprintf(out, out_size, "%s/.cache/signage-player", home);
    else
        n = snprintf(out, out_size, "/var/cache/signage-player");
    return n > 0 && (size_t)n < out_size;
}

/* A name cache_write's mkstemp could have made: ".<name>.XXXXXX". */
static bool is_temp_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 9 || name[0] != '.' || name[n - 7] != '.')
        return false;
    for (size_t i = n - 6; i < n; i++)
        if (!isalnum((unsigned char)name[i]))
            return false;
    return true;
}

/* Temp files left by a writer that died (kill -9, power cut) are never
 * renamed: remove them. Only our temp pattern, and only once older than
 * CACHE_TEMP_STALE, so a second player writing into the same directory
 * keeps the file it is writing. */
static void remove_stale_temps(cache *c, time_t now)
{
    DIR *d = opendir(c->dir);
    struct dirent *de;
    unsigned removed = 0;
    while (d && (de = readdir(d))) {
        struct stat st;
        char path[1200];
        if (!is_temp_name(de->d_name) ||
            snprintf(path, sizeof path, "%s/%s", c->dir, de->d_name) >= (int)sizeof path)
            continue;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            st.st_mtime + CACHE_TEMP_STALE <= now && unlink(path) == 0)
            removed++;
    }
    if (d)
        closedir(d);
    if (removed)
        LOG_INFO("removed %u stale temp files from %s", removed, c->dir);
}

cache *cache_create(const char *dir)
{
    if (!dir || !*dir || strlen(dir) >= sizeof(((cache *)0)->dir) - CACHE_MAX_NAME) {
        LOG_ERR("cache directory name empty or too long");
        return NULL;
    }
    if (!mkdir_p(dir)) {
        LOG_ERRNO("cannot create cache directory %s", dir);
        return NULL;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        LOG_ERR("cache directory %s is not a directory", dir);
        return NULL;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        LOG_ERRNO("cache directory %s is not writable", dir);
        return NULL;
    }
    cache *c = xmalloc(sizeof *c);
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    remove_stale_temps(c, time(NULL));
    return c;
}

void cache_destroy(cache *c)
{
    free(c);
}

const char *cache_dir(const cache *c)
{
    return c->dir;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < CACHE_MAX_NAME && !strchr(name, '/') && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

bool cache_path(const cache *c, const char *name, char *out, size_t out_size)
{
    if (!name_ok(name))
        return false;
    int n = snprintf(out, out_size, "%s/%s", c->dir, name);
    return n > 0 && (size_t)n < out_size;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void make_header(unsigned char hdr[CACHE_HEADER_SIZE], const void *data,
                        size_t len)
{
    memcpy(hdr, cache_magic, 8);
    put_le(hdr + 8, CACHE_VERSION, 4);
    put_le(hdr + 12, len, 8);
    put_le(hdr + 20, cache_crc32(0, data, len), 4);
}

bool cache_unwrap(const void *buf, size_t len, const void **payload, size_t *payload_len,
                  bool *ok)
{
    const unsigned char *p = buf;
    *ok = false;
    if (len < CACHE_HEADER_SIZE || memcmp(p, cache_magic, 8) != 0)
        return false;
    uint64_t n = get_le(p + 12, 8);
    if (get_le(p + 8, 4) != CACHE_VERSION || n != len - CACHE_HEADER_SIZE)
        return true;
    if (cache_crc32(0, p + CACHE_HEADER_SIZE, (size_t)n) != (uint32_t)get_le(p + 20, 4))
        return true;
    *payload = p + CACHE_HEADER_SIZE;
    *payload_len = (size_t)n;
    *ok = true;
    return true;
}

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

bool cache_write(cache *c, const char *name, const void *data, size_t len)
{
    char path[1200], tmp[1250];
    if (!cache_path(c, name, path, sizeof path)) {
        LOG_ERR("bad cache file name");
        return false;
    }
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", c->dir, name);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        LOG_ERRNO("cannot create a temp file in %s", c->dir);
        return false;
    }
    unsigned char hdr[CACHE_HEADER_SIZE];
    make_header(hdr, data, len);
    bool ok = write_all(fd, hdr, sizeof hdr) && write_all(fd, data, len) &&
              fchmod(fd, 0644) == 0 && fsync(fd) == 0;
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        log_errno(LOG_ERROR, LOG_MODULE, err, "cannot write %s", path);
        unlink(tmp);
        return false;
    }
    fsync_dir(c->dir);
    return true;
}

static void move_aside(cache *c, const char *name, const char *why)
{
    char path[1200], bad[1250];
    cache_path(c, name, path, sizeof path);
    snprintf(bad, sizeof bad, "%s.bad", path);
    if (rename(path, bad) == 0)
        LOG_WARN("%s is damaged (%s): moved aside to %s", path, why, bad);
    else
        log_errno(LOG_WARN, LOG_MODULE, errno,
                  "%s is damaged (%s) and cannot be moved aside", path, why);
}

bool cache_read(cache *c, const char *name, size_t max_len, char **data, size_t *len)
{
    char path[1200];
    if (!cache_path(c, name, path, sizeof path))
        return false;
    size_t n;
    char *buf = read_file_capped(path, max_len + CACHE_HEADER_SIZE, &n);
    if (!buf) {
        if (errno != ENOENT)
            move_aside(c, name, read_file_error(errno));
        return false;
    }
    const void *payload;
    size_t plen;
    bool ok;
    if (!cache_unwrap(buf, n, &payload, &plen, &ok) || !ok) {
        free(buf);
        move_aside(c, name, "bad header, length or checksum");
        return false;
    }
    memmove(buf, payload, plen);
    buf[plen] = '\0';
    *data = buf;
    *len = plen;
    return true;
}

bool cache_check(cache *c, const char *name)
{
    char *data;
    size_t len;
    if (!cache_read(c, name, (size_t)1 << 30, &data, &len))
        return false;
    free(data);
    return true;
}

void cache_remove(cache *c, const char *name)
{
    char path[1200];
    if (cache_path(c, name, path, sizeof path))
        unlink(path);
}
