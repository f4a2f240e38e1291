#define LOG_MODULE "fleet"
#include "fleet.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "cache.h"
#include "feed.h"
#include "fetch.h"
#include "log.h"
#include "popq.h"
#include "util.h"

#define FIRST_HEARTBEAT_MS 1000

/* The page on screen, until the next one makes it a record. */
typedef struct {
    bool open;
    char id[FEED_MAX_ID + 1];
    int page;
    bool image;
    int64_t start;
    uint64_t mono;
} page_open;

struct fleet {
    char *url, *token, *ca_file, *screen_id, *dir;
    int interval_ms, connect_ms, total_ms;
    bool allow_http;
    fleet_wake_fn wake;
    void *ctx;
    pthread_t thread;
    bool running; /* thread started */
    atomic_bool cancel;
    /* Shared with the main thread, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    fleet_snapshot snap;
    page_open page;
    char *pending[FLEET_MAX_PENDING];
    size_t n_pending;
    uint64_t pending_since; /* mono ms the oldest of them was made */
    unsigned long pending_dropped;
    bool shot_wanted;
    void *shot;
    size_t shot_len;
    char shot_url[2048];
    /* The worker's own. */
    popq *q;
    fetch *http;
    uint64_t unsynced_since; /* mono ms the oldest unwritten record came; 0: none */
    uint64_t started;
    log_repeat fail;
    unsigned seed;
};

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A small file's content without surrounding white space; NULL when it
 * cannot be read (errno set). */
static char *read_trimmed(const char *path, size_t max)
{
    size_t len;
    char *s = read_file_capped(path, max, &len);
    if (!s)
        return NULL;
    size_t a = strspn(s, " \t\r\n");
    while (len > a && strchr(" \t\r\n", s[len - 1]))
        len--;
    char *t = xstrndup(s + a, len - a);
    free(s);
    return t;
}

static char *screen_id_of(const char *configured)
{
    if (configured && *configured)
        return xstrdup(configured);
    char *id = read_trimmed("/etc/machine-id", 256);
    if (id && *id)
        return id;
    free(id);
    LOG_WARN("no screen_id and no /etc/machine-id: reporting as \"unknown\"");
    return xstrdup("unknown");
}

char *fleet_record(const char *id, int page, bool image, int64_t start, uint64_t ms)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "item", id);
    cJSON_AddNumberToObject(o, "page", page);
    cJSON_AddNumberToObject(o, "start", (double)start);
    cJSON_AddNumberToObject(o, "seconds", (double)ms / 1000.0);
    cJSON_AddBoolToObject(o, "image", image);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        abort();
    return s;
}

/* ---- the main thread's side ---- */

void fleet_update(fleet *f, const fleet_snapshot *s)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->snap = *s;
    pthread_mutex_unlock(&f->lock);
}

/* Under lock: the open page becomes a record in pending. */
static void page_close(fleet *f, uint64_t mono)
{
    page_open *p = &f->page;
    if (!p->open)
        return;
    p->open = false;
    if (f->n_pending == FLEET_MAX_PENDING) { /* the worker is stuck on the disk */
        free(f->pending[0]);
        memmove(f->pending, f->pending + 1, (f->n_pending - 1) * sizeof *f->pending);
        f->n_pending--;
        f->pending_dropped++;
    }
    uint64_t ms = mono > p->mono ? mono - p->mono : 0;
    if (!f->n_pending)
        f->pending_since = mono_ms();
    f->pending[f->n_pending++] = fleet_record(p->id, p->page, p->image, p->start, ms);
    if (f->n_pending >= POPQ_SYNC_RECORDS)
        pthread_cond_signal(&f->cond);
}

void fleet_shown(fleet *f, const char *id, int page, bool image, int64_t wall,
                 uint64_t mono)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    page_close(f, mono);
    if (id) {
        f->page = (page_open){
            .open = true, .page = page, .image = image, .start = wall, .mono = mono};
        snprintf(f->page.id, sizeof f->page.id, "%s", id);
    }
    pthread_mutex_unlock(&f->lock);
}

bool fleet_screenshot_wanted(fleet *f)
{
    if (!f)
        return false;
    pthread_mutex_lock(&f->lock);
    bool want = f->shot_wanted;
    f->shot_wanted = false;
    pthread_mutex_unlock(&f->lock);
    return want;
}

void fleet_screenshot(fleet *f, void *png, size_t len)
{
    pthread_mutex_lock(&f->lock);
    free(f->shot);
    f->shot = png;
    f->shot_len = len;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* ---- what a heartbeat says ---- */

/* The SoC's temperature in degrees Celsius from the first readable
 * thermal zone; false where there is none (a container, a PC without). */
static bool soc_temperature(double *out)
{
    for (int i = 0; i < 16; i++) {
        char path[64];
        snprintf(path, sizeof path, "/sys/class/thermal/thermal_zone%d/temp", i);
        char *s = read_trimmed(path, 64);
        char *end = NULL;
        long v = s ? strtol(s, &end, 10) : 0;
        bool ok = s && end != s && *end == '\0';
        free(s);
        if (ok) {
            *out = (double)v / 1000.0; /* millidegrees */
            return true;
        }
    }
    return false;
}

static double free_bytes(const char *dir)
{
    struct statvfs v;
    if (statvfs(dir, &v) != 0)
        return -1;
    return (double)v.f_bavail * (double)v.f_frsize;
}

static void add_number_or_null(cJSON *o, const char *key, bool have, double v)
{
    if (have)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The feed: the last fetch's result, and how old the feed on screen is
 * (since the server last gave or confirmed it, or since it was cached). */
static void add_feed(cJSON *o, const source_status *st, int64_t now)
{
    cJSON *fd = cJSON_AddObjectToObject(o, "feed");
    cJSON_AddStringToObject(fd, "status", source_result_name(st->result));
    add_number_or_null(fd, "http_status", st->http_status > 0, st->http_status);
    cJSON_AddStringToObject(fd, "message", st->message);
    int64_t since = st->from_cache ? st->cached_at : st->last_success;
    add_number_or_null(fd, "age", since > 0, (double)(now - since));
    add_number_or_null(fd, "last_success", st->last_success > 0,
                       (double)st->last_success);
}

static void add_screen(cJSON *o, const fleet_snapshot *s)
{
    if (s->item[0]) {
        cJSON_AddStringToObject(o, "item", s->item);
        cJSON_AddNumberToObject(o, "page", s->page);
    } else {
        cJSON_AddNullToObject(o, "item");
        cJSON_AddNullToObject(o, "page");
    }
    cJSON_AddStringToObject(o, "screen", s->screen_on ? "on" : "off");
}

/* The heartbeat with the n oldest queued records (n at most FLEET_BATCH). */
static char *heartbeat_body(fleet *f, size_t *n)
{
    pthread_mutex_lock(&f->lock);
    fleet_snapshot snap = f->snap;
    unsigned long dropped = f->pending_dropped;
    pthread_mutex_unlock(&f->lock);
    int64_t now = (int64_t)time(NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "screen_id", f->screen_id);
    cJSON_AddStringToObject(o, "version", SIGNAGE_VERSION);
    cJSON_AddNumberToObject(o, "sent", (double)now);
    uint64_t uptime_s = (mono_ms() - f->started) / 1000u;
    cJSON_AddNumberToObject(o, "uptime", (double)uptime_s);
    add_screen(o, &snap);
    add_feed(o, &snap.src, now);
    double t = 0;
    add_number_or_null(o, "temperature", soc_temperature(&t), t);
    double free_b = free_bytes(f->dir);
    add_number_or_null(o, "cache_free", free_b >= 0, free_b);
    size_t count = popq_count(f->q);
    *n = count < FLEET_BATCH ? count : FLEET_BATCH;
    cJSON *pop = cJSON_AddArrayToObject(o, "pop");
    for (size_t i = 0; i < *n; i++)
        cJSON_AddItemToArray(pop, cJSON_CreateRaw(popq_get(f->q, i)));
    cJSON_AddNumberToObject(o, "pop_queued", (double)(count - *n));
    cJSON_AddNumberToObject(o, "pop_dropped", (double)(popq_dropped(f->q) + dropped));
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!body)
        abort();
    return body;
}

/* ---- the worker ---- */

static fetch_result post(fleet *f, const char *url, const fetch_upload *up,
                         fetch_response *resp)
{
    fetch_request req = {
        .url = url,
        .kind = FETCH_KIND_ANY,
        .max_bytes = FLEET_MAX_RESPONSE,
        .connect_timeout_ms = f->connect_ms,
        .total_timeout_ms = f->total_ms,
        .ca_file = f->ca_file,
        .cancel = &f->cancel,
    };
    return fetch_post(f->http, &req, up, resp);
}

static bool url_allowed(const fleet *f, const char *url)
{
    return strncmp(url, "https://", 8) == 0 ||
           (f->allow_http && strncmp(url, "http://", 7) == 0);
}

/* A 200's body: {"screenshot": true, "screenshot_url": "..."} asks for a
 * screenshot; anything else (another type, other keys, bad JSON) is
 * ignored. */
static void read_answer(fleet *f, const char *body, size_t len)
{
    if (len == 0 || !feed_json_valid(body, len))
        return;
    cJSON *o = cJSON_ParseWithLength(body, len);
    cJSON *want = cJSON_GetObjectItemCaseSensitive(o, "screenshot");
    if (cJSON_IsObject(o) && cJSON_IsTrue(want)) {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "screenshot_url");
        const char *url = cJSON_IsString(u) ? u->valuestring : NULL;
        if (url && (!url_allowed(f, url) || strlen(url) >= sizeof f->shot_url)) {
            LOG_WARN("screenshot_url refused (https, or report_allow_http): %.200s", url);
            url = NULL;
        }
        pthread_mutex_lock(&f->lock);
        if (url)
            snprintf(f->shot_url, sizeof f->shot_url, "%s", url);
        else
            snprintf(f->shot_url, sizeof f->shot_url, "%s/screenshot", f->url);
        f->shot_wanted = true;
        pthread_mutex_unlock(&f->lock);
        LOG_INFO("the report server asked for a screenshot");
        if (f->wake)
            f->wake(f->ctx);
    }
    cJSON_Delete(o);
}

/* A failure of kind result/status, logged once while it lasts. */
static void failed(fleet *f, const char *what, const char *url, const fetch_response *r)
{
    LOG_FAILED(&f->fail, LOG_WARN, (int)r->result * 1000 + r->http_status,
               "%s to %s failed: %s", what, url, r->error);
}

/* The server took the heartbeat: any 2xx, its answer read when it fits. */
static bool delivered(const fetch_response *r)
{
    return r->result == FETCH_OK ||
           (r->result == FETCH_TOO_BIG && r->http_status / 100 == 2);
}

static void heartbeat(fleet *f)
{
    size_t n;
    char *body = heartbeat_body(f, &n);
    fetch_upload up = {body, strlen(body), "application/json", f->token};
    fetch_response r;
    post(f, f->url, &up, &r);
    if (delivered(&r)) {
        LOG_RECOVERED(&f->fail, "report server %s answers again", f->url);
        LOG_DBG("heartbeat sent with %zu records", n);
        popq_ack(f->q, n);
        if (n)
            popq_sync(f->q);
        read_answer(f, r.body, r.len);
    } else if (r.result != FETCH_CANCELLED) {
        failed(f, "heartbeat", f->url, &r);
    }
    fetch_response_free(&r);
    free(body);
}

static void upload_screenshot(fleet *f, void *png, size_t len, const char *url)
{
    fetch_upload up = {png, len, "image/png", f->token};
    fetch_response r;
    if (post(f, url, &up, &r) == FETCH_OK)
        LOG_INFO("screenshot of %zu bytes sent to %s", len, url);
    else if (r.result != FETCH_CANCELLED)
        failed(f, "screenshot", url, &r);
    fetch_response_free(&r);
}

/* Under lock: the pages handed over go into the queue (memory only). */
static void take_pending(fleet *f)
{
    if (popq_unsynced(f->q) == 0)
        f->unsynced_since = 0;
    for (size_t i = 0; i < f->n_pending; i++) {
        if (popq_append(f->q, f->pending[i]) && !f->unsynced_since)
            f->unsynced_since = f->pending_since;
        free(f->pending[i]);
    }
    f->n_pending = 0;
}

/* Records are written in batches (popq.h): this many or this old (and at
 * stop, by the worker's end). */
static bool sync_due(const fleet *f, uint64_t now)
{
    return popq_unsynced(f->q) > 0 &&
           (popq_unsynced(f->q) >= POPQ_SYNC_RECORDS ||
            now - f->unsynced_since >= POPQ_SYNC_SECONDS * 1000u);
}

static void wait_until(fleet *f, uint64_t due)
{
    uint64_t now = mono_ms();
    if (due <= now)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (due - now) % 1000u * 1000000u;
    ts.tv_sec += (time_t)((due - now) / 1000u + ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    pthread_cond_timedwait(&f->cond, &f->lock, &ts);
}

/* Under lock: waits for work; false at stop. Takes a screenshot to send. */
static bool next_work(fleet *f, uint64_t next_beat, void **shot, size_t *len, char *url)
{
    uint64_t due = next_beat;
    uint64_t oldest = popq_unsynced(f->q) ? f->unsynced_since
                      : f->n_pending      ? f->pending_since
                                          : 0;
    if (oldest && oldest + POPQ_SYNC_SECONDS * 1000u < due)
        due = oldest + POPQ_SYNC_SECONDS * 1000u;
    if (!f->stop && !f->shot && f->n_pending < POPQ_SYNC_RECORDS)
        wait_until(f, due);
    take_pending(f);
    *shot = f->shot;
    *len = f->shot_len;
    f->shot = NULL;
    if (*shot)
        memcpy(url, f->shot_url, sizeof f->shot_url);
    return !f->stop;
}

static void *worker(void *arg)
{
    fleet *f = arg;
    uint64_t next_beat = mono_ms() + FIRST_HEARTBEAT_MS;
    char url[sizeof f->shot_url];
    void *shot;
    size_t len;
    pthread_mutex_lock(&f->lock);
    while (next_work(f, next_beat, &shot, &len, url)) {
        pthread_mutex_unlock(&f->lock);
        uint64_t now = mono_ms();
        if (sync_due(f, now) && popq_sync(f->q))
            f->unsynced_since = 0;
        if (shot)
            upload_screenshot(f, shot, len, url);
        free(shot);
        if (mono_ms() >= next_beat) {
            heartbeat(f);
            next_beat = mono_ms() + (uint64_t)source_jitter_ms(f->interval_ms, &f->seed);
        }
        pthread_mutex_lock(&f->lock);
    }
    free(shot);
    pthread_mutex_unlock(&f->lock);
    popq_sync(f->q);
    return NULL;
}

/* ---- start and stop ---- */

/* The token, trimmed; NULL (logged) when the file cannot be read. "" when
 * no file is named. */
static char *read_token(const char *path)
{
    if (!path || !*path)
        return xstrdup("");
    char *t = read_trimmed(path, FLEET_MAX_TOKEN);
    if (!t)
        LOG_ERR("report_token_file %s: %s", path, read_file_error(errno));
    return t;
}

static bool queue_open(fleet *f, const char *dir, size_t max)
{
    char path[1200];
    if (dir && *dir)
        snprintf(path, sizeof path, "%s", dir);
    else if (!cache_default_dir(path, sizeof path))
        return false;
    f->dir = xstrdup(path);
    snprintf(path, sizeof path, "%s/%s", f->dir, POPQ_FILE);
    f->q = popq_open(path, max);
    return true;
}

static pthread_condattr_t *monotonic_attr(pthread_condattr_t *a)
{
    pthread_condattr_init(a);
    pthread_condattr_setclock(a, CLOCK_MONOTONIC);
    return a;
}

fleet *fleet_create(const fleet_params *p, fleet_wake_fn wake, void *ctx)
{
    if (!p->url || !*p->url)
        return NULL;
    fleet *f = xcalloc(1, sizeof *f);
    f->url = xstrdup(p->url);
    f->ca_file = xstrdup(p->ca_file);
    f->screen_id = screen_id_of(p->screen_id);
    f->interval_ms = p->interval_s * 1000;
    f->connect_ms = p->connect_timeout_ms;
    f->total_ms = p->total_timeout_ms;
    f->allow_http = p->allow_http;
    f->wake = wake;
    f->ctx = ctx;
    f->started = mono_ms();
    f->seed = (unsigned)time(NULL) ^ (unsigned)f->started;
    pthread_condattr_t ca;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, monotonic_attr(&ca));
    pthread_condattr_destroy(&ca);
    bool ok = (f->token = read_token(p->token_file)) &&
              queue_open(f, p->cache_dir, p->queue_max) && (f->http = fetch_create()) &&
              (f->running = pthread_create(&f->thread, NULL, worker, f) == 0);
    if (!ok) {
        LOG_ERR("reporting to %s not started", f->url);
        fleet_destroy(f);
        return NULL;
    }
    LOG_INFO("reporting to %s every %d s as %s", f->url, p->interval_s, f->screen_id);
    return f;
}

void fleet_destroy(fleet *f)
{
    if (!f)
        return;
    if (f->running) {
        pthread_mutex_lock(&f->lock);
        f->stop = true;
        pthread_cond_signal(&f->cond);
        pthread_mutex_unlock(&f->lock);
        atomic_store(&f->cancel, true);
        pthread_join(f->thread, NULL);
    }
    for (size_t i = 0; i < f->n_pending; i++)
        free(f->pending[i]);
    free(f->shot);
    popq_close(f->q);
    fetch_destroy(f->http);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    if (f->token)
        memset(f->token, 0, strlen(f->token));
    free(f->token);
    free(f->url);
    free(f->ca_file);
    free(f->screen_id);
    free(f->dir);
    free(f);
}
