#define LOG_MODULE "status"
#include "status.h"

#include <cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

bool status_default_path(char *out, size_t size)
{
    const char *rt = getenv("RUNTIME_DIRECTORY");
    if (rt && rt[0]) {
        size_t n = strcspn(rt, ":");
        return snprintf(out, size, "%.*s/status.json", (int)n, rt) < (int)size;
    }
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && xdg[0])
        return snprintf(out, size, "%s/signage-player/status.json", xdg) < (int)size;
    return false;
}

static void add_items(cJSON *o, const char *key, size_t n, const status_item *it,
                      size_t listed)
{
    cJSON *g = cJSON_AddObjectToObject(o, key);
    cJSON_AddNumberToObject(g, "count", (double)n);
    cJSON *ids = cJSON_AddArrayToObject(g, "items");
    for (size_t i = 0; i < listed; i++) {
        if (!it[i].why) {
            cJSON_AddItemToArray(ids, cJSON_CreateString(it[i].id));
            continue;
        }
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", it[i].id);
        cJSON_AddStringToObject(e, "why", it[i].why);
        cJSON_AddItemToArray(ids, e);
    }
}

static void add_fetch(cJSON *o, const status_info *s)
{
    cJSON *f = cJSON_AddObjectToObject(o, "feed");
    cJSON_AddStringToObject(f, "source", s->feed);
    cJSON_AddStringToObject(f, "result", source_result_name(s->src.result));
    cJSON_AddStringToObject(f, "message", s->src.message);
    cJSON_AddNumberToObject(f, "http_status", s->src.http_status);
    cJSON_AddNumberToObject(f, "last_attempt", (double)s->src.last_attempt);
    cJSON_AddNumberToObject(f, "last_success", (double)s->src.last_success);
    cJSON_AddBoolToObject(f, "from_cache", s->src.from_cache);
    cJSON_AddNumberToObject(f, "cache_age", (double)s->cache_age);
}

char *status_format(const status_info *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "version", SIGNAGE_VERSION);
    cJSON_AddNumberToObject(o, "pid", (double)s->pid);
    cJSON_AddNumberToObject(o, "written", (double)s->now);
    cJSON_AddNumberToObject(o, "expect_before", (double)s->expect_before);
    cJSON_AddNumberToObject(o, "uptime", (double)(s->now - s->started));
    cJSON *scr = cJSON_AddObjectToObject(o, "screen");
    cJSON_AddNumberToObject(scr, "width", s->width);
    cJSON_AddNumberToObject(scr, "height", s->height);
    cJSON_AddStringToObject(scr, "driver", s->driver ? s->driver : "");
    cJSON_AddStringToObject(scr, "renderer", s->renderer ? s->renderer : "");
    cJSON_AddBoolToObject(scr, "on", s->screen_on);
    cJSON *cur = cJSON_AddObjectToObject(o, "current");
    if (s->item_id) {
        cJSON_AddStringToObject(cur, "item", s->item_id);
        cJSON_AddNumberToObject(cur, "page", s->page);
        cJSON_AddNumberToObject(cur, "pages", s->pages);
    }
    add_fetch(o, s);
    add_items(o, "shown", s->n_shown, s->shown, s->listed_shown);
    add_items(o, "waiting", s->n_waiting, s->waiting, s->listed_waiting);
    add_items(o, "skipped", s->n_skipped, s->skipped, s->listed_skipped);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char *copy = xstrdup(text);
    cJSON_free(text);
    return copy;
}

static bool write_all(int fd, const char *text)
{
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* Creates the file's directory (one level) when missing; a failure shows
 * in the write that follows. */
static void make_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path || (size_t)(slash - path) >= sizeof dir)
        return;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    mkdir(dir, 0755);
}

bool status_replace(const char *path, const char *text, bool durable)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return false;
    }
    make_parent(path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return false;
    bool ok =
        write_all(fd, text) && fchmod(fd, 0644) == 0 && (!durable || fsync(fd) == 0);
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp, path) == 0)
        return true;
    if (ok)
        err = errno; /* the rename's */
    unlink(tmp);
    errno = err;
    return false;
}

bool status_write(const char *path, const char *text)
{
    if (status_replace(path, text, false))
        return true;
    LOG_ERRNO("cannot write %s", path);
    return false;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void show_list(const cJSON *root, const char *key, const char *label, FILE *out)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, key);
    fprintf(out, "%-10s %.0f", label, num(g, "count"));
    const cJSON *e;
    const char *sep = ": ";
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(g, "items"))
    {
        if (cJSON_IsString(e))
            fprintf(out, "%s%s", sep, e->valuestring);
        else
            fprintf(out, "%s%s (%s)", sep, str(e, "id"), str(e, "why"));
        sep = ", ";
    }
    fputc('\n', out);
}

static void show_ago(FILE *out, const char *label, int64_t t, int64_t now)
{
    if (t <= 0)
        fprintf(out, "%-10s never\n", label);
    else
        fprintf(out, "%-10s %lld s ago\n", label, (long long)(now - t));
}

static void show(const cJSON *root, int64_t now, FILE *out)
{
    const cJSON *scr = cJSON_GetObjectItemCaseSensitive(root, "screen");
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(root, "current");
    const cJSON *fd = cJSON_GetObjectItemCaseSensitive(root, "feed");
    fprintf(out, "%-10s signage-player %s, pid %.0f, up %.0f s\n", "player",
            str(root, "version"), num(root, "pid"), num(root, "uptime"));
    fprintf(out, "%-10s %.0fx%.0f, %s, %s renderer, %s\n", "screen", num(scr, "width"),
            num(scr, "height"), str(scr, "driver"), str(scr, "renderer"),
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(scr, "on")) ? "on" : "off");
    if (str(cur, "item")[0])
        fprintf(out, "%-10s %s, page %.0f of %.0f\n", "showing", str(cur, "item"),
                num(cur, "page"), num(cur, "pages"));
    else
        fprintf(out, "%-10s nothing (waiting slide)\n", "showing");
    fprintf(out, "%-10s %s\n", "feed", str(fd, "source"));
    fprintf(out, "%-10s %s: %s\n", "fetch", str(fd, "result"), str(fd, "message"));
    show_ago(out, "attempt", (int64_t)num(fd, "last_attempt"), now);
    show_ago(out, "success", (int64_t)num(fd, "last_success"), now);
    if (num(fd, "cache_age") >= 0)
        fprintf(out, "%-10s %.0f s old\n", "cache", num(fd, "cache_age"));
    show_list(root, "shown", "open", out);
    show_list(root, "waiting", "waiting", out);
    show_list(root, "skipped", "skipped", out);
}

/* Why the file is stale, or NULL when the player that wrote it runs. */
static const char *stale(const cJSON *root, int64_t now)
{
    long pid = (long)num(root, "pid");
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
        return "the player that wrote it is not running";
    int64_t due = (int64_t)num(root, "expect_before");
    if (due > 0 && now > due + 60)
        return "the player has not written it when it should have (hung?)";
    return NULL;
}

int status_show(const char *path, int64_t now, FILE *out)
{
    size_t len;
    char *text = read_file_capped(path, STATUS_MAX_BYTES, &len);
    if (!text) {
        fprintf(out, "%s: %s\n", path, read_file_error(errno));
        return 2;
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!cJSON_IsObject(root)) {
        fprintf(out, "%s: not a status file\n", path);
        cJSON_Delete(root);
        return 2;
    }
    show(root, now, out);
    const char *why = stale(root, now);
    fprintf(out, "%-10s written %lld s ago%s%s\n", "file",
            (long long)(now - (int64_t)num(root, "written")), why ? "; STALE: " : "",
            why ? why : "");
    cJSON_Delete(root);
    return why ? 1 : 0;
}
