#include "util.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s ? s : "", s ? strlen(s) : 0);
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Reads fd to the end into a buffer grown as needed, at most max bytes.
 * The first size is the file's own (hint), so a regular file is read with
 * one allocation; a file that grows while read is followed up to the cap. */
static char *read_fd_capped(int fd, size_t hint, size_t max, size_t *len)
{
    size_t cap = (hint < max ? hint : max) + 1, got = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        if (got == cap) {
            if (cap > max)
                break;
            cap = cap > max / 2 ? max + 1 : 2 * cap;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > max) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

char *read_file_capped(const char *path, size_t max, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then
     * refuses it. It changes nothing for the regular file read after. */
    int fd;
    do
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
        else if ((uint64_t)st.st_size > max)
            errno = EFBIG;
        else
            buf = read_fd_capped(fd, (size_t)st.st_size, max, len);
    }
    int err = errno;
    close(fd);
    errno = err;
    return buf;
}

const char *read_file_error(int err)
{
    if (err == ENODEV)
        return "not a regular file";
    if (err == EFBIG)
        return "too large";
    return strerror(err);
}

void util_release_memory(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void util_map_large_blocks(size_t bytes)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
#endif
}

void util_return_free_memory(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

long util_status_kb(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t k = strlen(key);
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, key, k) == 0)
            kb = strtol(line + k, NULL, 10);
    if (fp)
        fclose(fp);
    return kb;
}
