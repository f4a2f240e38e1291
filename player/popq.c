#define LOG_MODULE "popq"
#include "popq.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "util.h"

struct popq {
    char *path;
    char **rec; /* oldest first */
    size_t n, max, cap;
    size_t written; /* the first `written` records are in the file */
    bool rewrite;   /* the file holds records no longer queued, or junk */
    unsigned long dropped;
};

/* A record as the file must hold it: one JSON object on one line. */
static bool record_ok(const char *s, size_t len)
{
    if (len == 0 || len > POPQ_MAX_LINE || memchr(s, '\n', len) || s[0] != '{')
        return false;
    cJSON *j = cJSON_ParseWithLength(s, len);
    bool ok = cJSON_IsObject(j);
    cJSON_Delete(j);
    return ok;
}

static void drop_oldest(popq *q)
{
    free(q->rec[0]);
    memmove(q->rec, q->rec + 1, (q->n - 1) * sizeof *q->rec);
    q->n--;
    q->written = q->written ? q->written - 1 : 0;
    q->dropped++;
    q->rewrite = true;
}

static void push(popq *q, const char *s, size_t len)
{
    if (q->n == q->max)
        drop_oldest(q);
    q->rec = buf_grow(q->rec, &q->cap, q->n + 1, sizeof *q->rec);
    q->rec[q->n++] = xstrndup(s, len);
}

/* The file's lines into the queue; what is skipped makes a rewrite due. */
static void load(popq *q, const char *text, size_t len)
{
    size_t bad = 0;
    for (size_t at = 0; at < len;) {
        const char *line = text + at;
        const char *nl = memchr(line, '\n', len - at);
        size_t n = nl ? (size_t)(nl - line) : len - at;
        if (nl && record_ok(line, n))
            push(q, line, n);
        else if (n > 0 || !nl)
            bad++; /* a torn last line (no newline) or junk */
        at += n + 1;
    }
    q->written = q->n;
    if (bad) {
        LOG_WARN("%s: %zu damaged line%s skipped (a torn write)", q->path, bad,
                 bad == 1 ? "" : "s");
        q->rewrite = true;
    }
    if (q->dropped)
        q->rewrite = true;
}

popq *popq_open(const char *path, size_t max_records)
{
    popq *q = xcalloc(1, sizeof *q);
    q->path = xstrdup(path);
    q->max = max_records ? max_records : 1;
    /* A full queue of the longest records, within 1 and 256 MiB. */
    size_t len, cap = q->max < 32768 ? (q->max + 1) * (POPQ_MAX_LINE + 1) : 256u << 20;
    char *text = read_file_capped(path, cap < (1u << 20) ? 1u << 20 : cap, &len);
    if (text)
        load(q, text, len);
    else if (errno != ENOENT)
        LOG_WARN("%s: %s: starting an empty queue", path, read_file_error(errno));
    if (!text)
        q->rewrite = true;
    free(text);
    if (q->n)
        LOG_INFO("%zu proof-of-play record%s waiting from before", q->n,
                 q->n == 1 ? "" : "s");
    return q;
}

void popq_close(popq *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->rec[i]);
    free(q->rec);
    free(q->path);
    free(q);
}

bool popq_append(popq *q, const char *record)
{
    size_t len = strlen(record);
    if (len > POPQ_MAX_LINE || memchr(record, '\n', len))
        return false;
    push(q, record, len);
    return true;
}

/* Writes records [from, n) to fd, each with its newline. */
static bool write_records(const popq *q, int fd, size_t from)
{
    for (size_t i = from; i < q->n; i++) {
        size_t len = strlen(q->rec[i]);
        char *line = xmalloc(len + 1);
        memcpy(line, q->rec[i], len);
        line[len] = '\n';
        bool ok = (size_t)write(fd, line, len + 1) == len + 1;
        free(line);
        if (!ok)
            return false;
    }
    return true;
}

static bool append_unwritten(popq *q)
{
    int fd = open(q->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    bool ok = write_records(q, fd, q->written) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    return ok;
}

/* The whole queue into a temp file, then renamed over the old one: a power
 * cut leaves one or the other. */
static bool rewrite_all(popq *q)
{
    size_t plen = strlen(q->path) + 8;
    char *tmp = xmalloc(plen);
    snprintf(tmp, plen, "%s.tmp", q->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write_records(q, fd, 0) && fsync(fd) == 0;
    ok = fd >= 0 && close(fd) == 0 && ok;
    ok = ok && rename(tmp, q->path) == 0;
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

bool popq_sync(popq *q)
{
    if (!q->rewrite && q->written == q->n)
        return true;
    bool ok = q->rewrite ? rewrite_all(q) : append_unwritten(q);
    if (!ok) {
        LOG_ERRNO("cannot write %s (%zu records kept in memory)", q->path, q->n);
        q->rewrite = true; /* a half-written append is not appended to */
        return false;
    }
    q->written = q->n;
    q->rewrite = false;
    return true;
}

size_t popq_count(const popq *q)
{
    return q->n;
}

size_t popq_unsynced(const popq *q)
{
    return q->n - q->written;
}

unsigned long popq_dropped(const popq *q)
{
    return q->dropped;
}

const char *popq_get(const popq *q, size_t i)
{
    return i < q->n ? q->rec[i] : NULL;
}

void popq_ack(popq *q, size_t n)
{
    n = n < q->n ? n : q->n;
    if (!n)
        return;
    for (size_t i = 0; i < n; i++)
        free(q->rec[i]);
    memmove(q->rec, q->rec + n, (q->n - n) * sizeof *q->rec);
    q->n -= n;
    q->written = q->written > n ? q->written - n : 0;
    q->rewrite = true;
}
