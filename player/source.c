#define LOG_MODULE "source"
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "fetch.h"
#include "image.h"
#include "log.h"
#include "util.h"

#define FEED_CACHE_NAME "feed"
#define FEED_CACHE_MAGIC "signage-feed 1\n"
#define IMAGE_PREFIX "img-"
#define LOCAL_CHECK_MS 2000
#define BACKOFF_BASE_MS 10000
#define TAKEN_MAPS 3
#define IMAGE_RETRIES 5       /* tries per feed for an image that failed to download */
#define SOURCE_MAX_IMAGES 256 /* distinct image URLs per feed; more go without */
/* Cached image bytes per feed; past it the rest go without. The cache keeps
 * the images of at most TAKEN_MAPS + 1 feeds, so this bounds its size on
 * the SD card too. */
#define SOURCE_MAX_IMAGE_BYTES (64u * 1024 * 1024)

/* URL as written in the feed (or config) -> file to load. */
typedef struct {
    char *url;
    char *path;
} image_entry;

typedef struct {
    size_t n, cap;
    image_entry *e;
    size_t bytes; /* cached bytes of the images found */
    bool full;    /* past a cap: said once, the rest go without */
} image_map;

struct source {
    unsigned images_arrived; /* images that came on a retry, app thread */
    config cfg;
    source_timing timing;
    source_wake_fn wake;
    void *ctx;
    bool remote;
    cache *cache; /* NULL: no offline copy, no remote images */

    /* Worker only. */
    fetch *fetch;
    char etag[256], last_modified[128];
    bool have_body;
    uint64_t body_hash;
    bool have_stat;
    struct stat last_stat;
    int failures;
    unsigned seed;
    int last_code;    /* what went wrong last, to log changes only */
    image_map *retry; /* images whose download may work later: ref -> URL */
    int retry_tries;

    /* Image maps of the last TAKEN_MAPS feeds taken, newest first: the app
     * may keep showing an older feed while it holds a newer one for the
     * next slide boundary. Written by the app thread under mu. */
    image_map *taken[TAKEN_MAPS];

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* worker sleep, attempts finished */
    bool stop, poll_now;
    atomic_bool cancel;
    feed *pending; /* under mu */
    image_map *pending_map;
    image_map *fixed; /* under mu: images downloaded on a retry, ref -> path */
    source_status status;
};

static int64_t now_unix(void)
{
    return (int64_t)time(NULL);
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* ---- image maps ---- */

static void map_free(image_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].url);
        free(m->e[i].path);
    }
    free(m->e);
    free(m);
}

static const image_entry *map_find(const image_map *m, const char *url)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->e[i].url, url) == 0)
            return &m->e[i];
    return NULL;
}

static void map_add(image_map *m, const char *url, const char *path)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 16;
        m->e = realloc(m->e, m->cap * sizeof *m->e);
        if (!m->e)
            abort();
    }
    m->e[m->n].url = xstrdup(url);
    m->e[m->n].path = path ? xstrdup(path) : NULL;
    m->n++;
}

/* ---- status ---- */

/* Records the end of an attempt; logs only when result, HTTP status or the
 * kind of problem changed. */
static void set_status(source *s, source_result r, int http, int code, const char *msg)
{
    pthread_mutex_lock(&s->mu);
    source_status *st = &s->status;
    bool changed = st->result != r || st->http_status != http || s->last_code != code;
    /* "Unchanged" right after a new feed is the normal case: not worth a line. */
    bool quiet = r == SOURCE_UNCHANGED && st->result == SOURCE_OK;
    st->result = r;
    st->http_status = http;
    st->last_attempt = now_unix();
    if (r != SOURCE_ERROR) {
        st->last_success = st->last_attempt;
        st->from_cache = false;
    }
    snprintf(st->message, sizeof st->message, "%s", msg);
    st->attempts++;
    s->last_code = code;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    if (changed) {
        char code_text[32] = "";
        if (http)
            snprintf(code_text, sizeof code_text, " (HTTP %d)", http);
        if (r == SOURCE_ERROR)
            LOG_WARN("%s: %s%s", s->cfg.feed, msg, code_text);
        else if (quiet)
            LOG_DBG("%s: %s%s", s->cfg.feed, msg, code_text);
        else
            LOG_INFO("%s: %s%s", s->cfg.feed, msg, code_text);
        if (s->wake)
            s->wake(s->ctx);
    }
}

/* Hands a new feed to the app; an untaken older one is dropped. */
static void publish(source *s, feed *f, image_map *map, bool from_cache)
{
    pthread_mutex_lock(&s->mu);
    if (s->pending)
        feed_destroy(s->pending);
    map_free(s->pending_map);
    s->pending = f;
    s->pending_map = map;
    s->status.from_cache = from_cache;
    pthread_mutex_unlock(&s->mu);
    if (s->wake)
        s->wake(s->ctx);
}

/* ---- images ---- */

static const char *local_path(const source *s)
{
    return strncasecmp(s->cfg.feed, "file://", 7) == 0 ? s->cfg.feed + 7 : s->cfg.feed;
}

enum { IMAGE_FAILED, IMAGE_RETRY, IMAGE_READY };

/* A request with the source's timeouts, CA file and cancel flag. */
static fetch_request request_for(source *s, const char *url, fetch_kind kind, size_t max)
{
    return (fetch_request){
        .url = url,
        .kind = kind,
        .max_bytes = max,
        .connect_timeout_ms = s->timing.connect_timeout_ms,
        .total_timeout_ms = s->timing.total_timeout_ms,
        .low_speed_time_s = s->timing.low_speed_time_s,
        .ca_file = s->cfg.ca_file,
        .cancel = &s->cancel,
    };
}

/* Downloads url into cache file `name`, after checking it is an image
 * within the byte and pixel caps. IMAGE_RETRY when the failure may pass
 * (network, timeout, HTTP status); IMAGE_FAILED when the answer itself was
 * refused. Failures are logged at `level`. */
static int download_image(source *s, const char *url, const char *name,
                          enum log_level level)
{
    fetch_request req =
        request_for(s, url, FETCH_KIND_IMAGE, (size_t)s->cfg.max_image_bytes);
    fetch_response r;
    if (fetch_get(s->fetch, &req, &r) != FETCH_OK) {
        if (r.result != FETCH_CANCELLED)
            log_msg(level, LOG_MODULE, "image %s: %s: %s", url,
                    fetch_result_name(r.result), r.error);
        bool passing = r.result == FETCH_NETWORK || r.result == FETCH_TIMEOUT ||
                       r.result == FETCH_HTTP_ERROR;
        return passing ? IMAGE_RETRY : IMAGE_FAILED;
    }
    image_format fmt;
    int w, h;
    int result = IMAGE_FAILED;
    if (!image_probe(r.body, r.len, &fmt, &w, &h))
        log_msg(level, LOG_MODULE, "image %s: not a PNG, JPEG, GIF, WebP or BMP image",
                url);
    else if ((int64_t)w * h > s->cfg.max_image_pixels)
        log_msg(level, LOG_MODULE, "image %s: %dx%d pixels is over the limit of %d", url,
                w, h, s->cfg.max_image_pixels);
    else if (cache_write(s->cache, name, r.body, r.len))
        result = IMAGE_READY;
    fetch_response_free(&r);
    return result;
}

/* The cached file for a remote image, downloaded first when `download`.
 * An image that is missing and may come later is put on the retry list
 * under `ref` (its name in the feed). */
static bool remote_image_path(source *s, const char *ref, const char *url, bool download,
                              char *out, size_t out_size)
{
    char name[64];
    if (!s->cache)
        return false;
    cache_name_for_url(url, IMAGE_PREFIX, name, sizeof name);
    int got = cache_check(s->cache, name) ? IMAGE_READY : IMAGE_RETRY;
    if (got != IMAGE_READY && download && s->fetch)
        got = download_image(s, url, name, LOG_WARN);
    if (got == IMAGE_RETRY && s->retry && !map_find(s->retry, ref))
        map_add(s->retry, ref, url);
    return got == IMAGE_READY && cache_path(s->cache, name, out, out_size);
}

/* A local image named by a local feed (or the config's logo): file:// is
 * stripped, a relative path is taken from the feed file's folder. */
static bool local_image_path(source *s, const char *ref, char *out, size_t out_size)
{
    const char *p = strncasecmp(ref, "file://", 7) == 0 ? ref + 7 : ref;
    int n;
    if (p[0] == '/') {
        n = snprintf(out, out_size, "%s", p);
    } else {
        const char *fp = local_path(s);
        const char *slash = strrchr(fp, '/');
        n = slash ? snprintf(out, out_size, "%.*s/%s", (int)(slash - fp), fp, p)
                  : snprintf(out, out_size, "%s", p);
    }
    if (n <= 0 || (size_t)n >= out_size || access(out, R_OK) != 0) {
        LOG_WARN("image %s: cannot read %s", ref, out);
        return false;
    }
    return true;
}

/* Finds or fetches one image. A remote feed may only name http(s) images
 * (relative URLs are resolved against the feed URL); a local feed may name
 * local files too. The config's logo is trusted either way. */
static void add_image(source *s, image_map *m, const char *ref, bool trusted,
                      bool download)
{
    char url[4096], path[1400];
    bool found = false;
    if (!ref || !*ref || map_find(m, ref))
        return;
    size_t cap = s->timing.max_image_bytes_total;
    if (m->n >= SOURCE_MAX_IMAGES || m->bytes >= cap) {
        if (!m->full)
            LOG_WARN("the feed's images pass %d files or %zu bytes: the rest are shown "
                     "without",
                     SOURCE_MAX_IMAGES, cap);
        m->full = true;
        map_add(m, ref, NULL);
        return;
    }
    if (fetch_is_remote_url(ref)) {
        found = remote_image_path(s, ref, ref, download, path, sizeof path);
    } else if (s->remote && !trusted) {
        if (strstr(ref, "://") || !fetch_resolve_url(s->cfg.feed, ref, url, sizeof url))
            LOG_WARN("image %s: only http(s) images are used with a remote feed", ref);
        else
            found = remote_image_path(s, ref, url, download, path, sizeof path);
    } else if (strstr(ref, "://") && strncasecmp(ref, "file://", 7) != 0) {
        LOG_WARN("image %s: unsupported URL scheme", ref);
    } else {
        found = local_image_path(s, ref, path, sizeof path);
    }
    struct stat st;
    if (found && stat(path, &st) == 0)
        m->bytes += (size_t)st.st_size;
    map_add(m, ref, found ? path : NULL);
}

/* Every image the feed uses, plus the logo: downloaded (when `download`) or
 * taken from the cache, each checked. Failed ones map to NULL. */
static image_map *collect_images(source *s, const feed *f, bool download)
{
    image_map *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    if (f) { /* a new feed: a new retry list */
        map_free(s->retry);
        s->retry = calloc(1, sizeof *s->retry);
        if (!s->retry)
            abort();
        s->retry_tries = 0;
    }
    add_image(s, m, s->cfg.logo, true, download);
    for (size_t i = 0; f && i < f->n_items && !atomic_load(&s->cancel); i++) {
        add_image(s, m, f->items[i].image, false, download);
        add_image(s, m, f->items[i].banner_image, false, download);
    }
    return m;
}

static bool map_has_path(const image_map *m, const char *path)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (m->e[i].path && strcmp(m->e[i].path, path) == 0)
            return true;
    return false;
}

/* Deletes cached images that neither the new feed nor the feeds the app
 * took lately use, so the cache does not grow without bound. */
static void prune_images(source *s, const image_map *fresh)
{
    char path[1400];
    pthread_mutex_lock(&s->mu);
    image_map *keep = calloc(1, sizeof *keep);
    if (!keep)
        abort();
    for (int k = 0; k < TAKEN_MAPS; k++)
        for (size_t i = 0; s->taken[k] && i < s->taken[k]->n; i++)
            if (s->taken[k]->e[i].path)
                map_add(keep, s->taken[k]->e[i].url, s->taken[k]->e[i].path);
    pthread_mutex_unlock(&s->mu);
    DIR *d = opendir(cache_dir(s->cache));
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, IMAGE_PREFIX, strlen(IMAGE_PREFIX)) != 0 ||
            strchr(de->d_name, '.') ||
            !cache_path(s->cache, de->d_name, path, sizeof path))
            continue;
        if (!map_has_path(fresh, path) && !map_has_path(keep, path))
            cache_remove(s->cache, de->d_name);
    }
    if (d)
        closedir(d);
    map_free(keep);
}

/* After a good poll: tries the images of the current feed that failed
 * before (at most IMAGE_RETRIES times per feed). Those that arrive are
 * handed to the app through s->fixed. */
static void retry_images(source *s)
{
    if (!s->retry || !s->retry->n || s->retry_tries >= IMAGE_RETRIES || !s->fetch)
        return;
    s->retry_tries++;
    image_map *left = calloc(1, sizeof *left);
    if (!left)
        abort();
    bool any = false;
    for (size_t i = 0; i < s->retry->n && !atomic_load(&s->cancel); i++) {
        const image_entry *e = &s->retry->e[i];
        char name[64], path[1400];
        cache_name_for_url(e->path, IMAGE_PREFIX, name, sizeof name);
        int got = download_image(s, e->path, name, LOG_DEBUG);
        if (got == IMAGE_RETRY)
            map_add(left, e->url, e->path);
        if (got != IMAGE_READY || !cache_path(s->cache, name, path, sizeof path))
            continue;
        LOG_INFO("image %s: downloaded on try %d", e->path, s->retry_tries + 1);
        pthread_mutex_lock(&s->mu);
        if (!s->fixed && !(s->fixed = calloc(1, sizeof *s->fixed)))
            abort();
        map_add(s->fixed, e->url, path);
        pthread_mutex_unlock(&s->mu);
        any = true;
    }
    map_free(s->retry);
    s->retry = left;
    if (any && s->wake)
        s->wake(s->ctx);
}

/* App thread, mu held: images that arrived on a retry fill the entries
 * that had none, in the maps of the feeds taken and the one waiting. */
static void merge_fixed(source *s)
{
    image_map *maps[TAKEN_MAPS + 1];
    memcpy(maps, s->taken, sizeof s->taken);
    maps[TAKEN_MAPS] = s->pending_map;
    if (s->fixed && s->fixed->n)
        s->images_arrived++;
    for (size_t i = 0; s->fixed && i < s->fixed->n; i++)
        for (int k = 0; k <= TAKEN_MAPS; k++)
            for (size_t j = 0; maps[k] && j < maps[k]->n; j++)
                if (!maps[k]->e[j].path &&
                    strcmp(maps[k]->e[j].url, s->fixed->e[i].url) == 0)
                    maps[k]->e[j].path = xstrdup(s->fixed->e[i].path);
    map_free(s->fixed);
    s->fixed = NULL;
}

/* ---- the cached feed ---- */

static void save_feed(source *s, const char *body, size_t len)
{
    if (!s->cache)
        return;
    size_t head_max = strlen(s->cfg.feed) + sizeof s->etag + sizeof s->last_modified + 64;
    char *buf = malloc(head_max + len);
    if (!buf)
        abort();
    int n =
        snprintf(buf, head_max, FEED_CACHE_MAGIC "url %s\netag %s\nlast-modified %s\n\n",
                 s->cfg.feed, s->etag, s->last_modified);
    memcpy(buf + n, body, len);
    cache_write(s->cache, FEED_CACHE_NAME, buf, (size_t)n + len);
    free(buf);
}

/* Reads one "key value\n" line of the cached feed's head into out. */
static const char *head_line(const char *p, const char *key, char *out, size_t out_size)
{
    size_t k = strlen(key);
    const char *nl = p ? strchr(p, '\n') : NULL;
    if (!nl || strncmp(p, key, k) != 0 || p[k] != ' ' ||
        (size_t)(nl - p - k - 1) >= out_size)
        return NULL;
    memcpy(out, p + k + 1, (size_t)(nl - p - k - 1));
    out[nl - p - k - 1] = '\0';
    return nl + 1;
}

/* Loads the cached feed for this URL, if any, with its validators. */
static void load_cached_feed(source *s)
{
    char *data, url[sizeof s->cfg.feed];
    size_t len;
    if (!s->cache || !cache_read(s->cache, FEED_CACHE_NAME,
                                 (size_t)s->cfg.max_feed_bytes + 8192, &data, &len))
        return;
    size_t ml = strlen(FEED_CACHE_MAGIC);
    const char *p = strncmp(data, FEED_CACHE_MAGIC, ml) == 0 ? data + ml : NULL;
    p = head_line(p, "url", url, sizeof url);
    p = head_line(p, "etag", s->etag, sizeof s->etag);
    p = head_line(p, "last-modified", s->last_modified, sizeof s->last_modified);
    if (!p || *p != '\n' || strcmp(url, s->cfg.feed) != 0) {
        LOG_INFO("cached feed is for another URL or in an old format: not used");
        s->etag[0] = s->last_modified[0] = '\0';
        free(data);
        return;
    }
    p++;
    size_t body_len = len - (size_t)(p - data);
    feed *f = feed_parse(p, body_len, "cached feed");
    if (f) {
        s->have_body = true;
        s->body_hash = hash_bytes(p, body_len);
        LOG_INFO("showing the cached feed (%zu items) until %s answers", f->n_items,
                 s->cfg.feed);
        publish(s, f, collect_images(s, f, false), true);
        pthread_mutex_lock(&s->mu);
        snprintf(s->status.message, sizeof s->status.message,
                 "showing the cached feed until the server answers");
        pthread_mutex_unlock(&s->mu);
    } else {
        s->etag[0] = s->last_modified[0] = '\0';
    }
    free(data);
}

/* ---- polling ---- */

/* A new document: parse, fetch its images, keep it, hand it over. */
static bool accept_body(source *s, const char *body, size_t len, int http)
{
    feed *f = feed_parse(body, len, s->cfg.feed);
    if (!f) {
        set_status(s, SOURCE_ERROR, http, 100,
                   "not a valid JSON Feed: last good feed kept");
        return false;
    }
    image_map *map = collect_images(s, f, true);
    if (atomic_load(&s->cancel)) {
        feed_destroy(f);
        map_free(map);
        return false;
    }
    if (s->remote) {
        save_feed(s, body, len);
        if (s->cache)
            prune_images(s, map);
    }
    s->have_body = true;
    s->body_hash = hash_bytes(body, len);
    char msg[128];
    snprintf(msg, sizeof msg, "new feed with %zu items", f->n_items);
    publish(s, f, map, false);
    set_status(s, SOURCE_OK, http, 0, msg);
    return true;
}

static void keep_validators(source *s, const fetch_response *r)
{
    snprintf(s->etag, sizeof s->etag, "%s", r->etag);
    snprintf(s->last_modified, sizeof s->last_modified, "%s", r->last_modified);
}

static bool poll_remote(source *s)
{
    fetch_request req =
        request_for(s, s->cfg.feed, FETCH_KIND_JSON, (size_t)s->cfg.max_feed_bytes);
    req.etag = s->etag;
    req.last_modified = s->last_modified;
    fetch_response r;
    if (!s->fetch) {
        set_status(s, SOURCE_ERROR, 0, 99, "no HTTP client (libcurl failed to start)");
        return false;
    }
    fetch_get(s->fetch, &req, &r);
    bool ok = true;
    if (r.result == FETCH_NOT_MODIFIED) {
        retry_images(s);
        set_status(s, SOURCE_UNCHANGED, r.http_status, 0, "not modified");
    } else if (r.result == FETCH_OK && s->have_body &&
               hash_bytes(r.body, r.len) == s->body_hash) {
        /* Same bytes (a server without validators, or one whose ETag changes
         * on every answer): no parse, and no disk write, which would wear an
         * SD card once a minute. New validators are kept in memory. */
        keep_validators(s, &r);
        retry_images(s);
        set_status(s, SOURCE_UNCHANGED, r.http_status, 0, "unchanged");
    } else if (r.result == FETCH_OK) {
        char etag[sizeof s->etag], lm[sizeof s->last_modified];
        memcpy(etag, s->etag, sizeof etag);
        memcpy(lm, s->last_modified, sizeof lm);
        keep_validators(s, &r);
        ok = accept_body(s, r.body, r.len, r.http_status);
        if (!ok) { /* validators belong to the last good feed */
            memcpy(s->etag, etag, sizeof etag);
            memcpy(s->last_modified, lm, sizeof lm);
        }
    } else if (r.result != FETCH_CANCELLED) {
        char msg[sizeof s->status.message];
        snprintf(msg, sizeof msg, "%s: %.200s", fetch_result_name(r.result), r.error);
        set_status(s, SOURCE_ERROR, r.http_status, (int)r.result + 1, msg);
        ok = false;
    }
    fetch_response_free(&r);
    return ok;
}

static bool poll_local(source *s)
{
    const char *path = local_path(s);
    struct stat st;
    char msg[sizeof s->status.message];
    if (stat(path, &st) != 0) {
        snprintf(msg, sizeof msg, "cannot read the file: %s", strerror(errno));
        set_status(s, SOURCE_ERROR, 0, 200 + errno, msg);
        s->have_stat = false;
        return false;
    }
    if (s->have_stat && st.st_mtim.tv_sec == s->last_stat.st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == s->last_stat.st_mtim.tv_nsec &&
        st.st_size == s->last_stat.st_size && st.st_ino == s->last_stat.st_ino) {
        /* Same file: a parse error found before stays the status. */
        bool bad = s->status.result == SOURCE_ERROR;
        if (!bad)
            retry_images(s);
        snprintf(msg, sizeof msg, "%s", bad ? s->status.message : "unchanged");
        set_status(s, bad ? SOURCE_ERROR : SOURCE_UNCHANGED, 0, s->last_code, msg);
        return !bad;
    }
    s->last_stat = st;
    s->have_stat = true;
    size_t len;
    char *body = read_file_capped(path, (size_t)s->cfg.max_feed_bytes, &len);
    if (!body) {
        snprintf(msg, sizeof msg, "cannot read the file: %s", strerror(errno));
        set_status(s, SOURCE_ERROR, 0, 200 + errno, msg);
        return false;
    }
    bool ok = accept_body(s, body, len, 0);
    free(body);
    return ok;
}

/* ---- the worker ---- */

static long next_delay_ms(source *s, bool ok)
{
    long poll = s->timing.poll_ms;
    long delay;
    if (!s->remote) {
        delay = poll < LOCAL_CHECK_MS ? poll : LOCAL_CHECK_MS;
    } else if (ok) {
        delay = poll;
    } else {
        long base = s->timing.backoff_base_ms;
        delay = base;
        for (int i = 1; i < s->failures && delay < s->timing.backoff_max_ms; i++)
            delay *= 2;
        if (delay > s->timing.backoff_max_ms)
            delay = s->timing.backoff_max_ms;
    }
    if (!s->timing.no_jitter)
        delay = source_jitter_ms(delay, &s->seed);
    return delay > 1 ? delay : 1;
}

/* Sleeps (mu held) until the deadline, a poll_now or stop. */
static void sleep_ms(source *s, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (!s->stop && !s->poll_now)
        if (pthread_cond_timedwait(&s->cond, &s->mu, &ts) == ETIMEDOUT)
            break;
}

static void *worker(void *arg)
{
    source *s = arg;
    pthread_mutex_lock(&s->mu);
    /* A local feed was read once already by source_create. */
    if (!s->remote)
        sleep_ms(s, next_delay_ms(s, true));
    while (!s->stop) {
        s->poll_now = false;
        pthread_mutex_unlock(&s->mu);
        bool ok = s->remote ? poll_remote(s) : poll_local(s);
        s->failures = ok ? 0 : s->failures + 1;
        long delay = next_delay_ms(s, ok);
        pthread_mutex_lock(&s->mu);
        sleep_ms(s, delay);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- public ---- */

static void fill_timing(source_timing *t, const config *cfg, const source_timing *in)
{
    if (in)
        *t = *in;
    else
        memset(t, 0, sizeof *t);
    if (t->poll_ms <= 0)
        t->poll_ms = cfg->poll_interval * 1000;
    if (t->backoff_max_ms <= 0)
        t->backoff_max_ms = cfg->backoff_max * 1000;
    if (t->backoff_base_ms <= 0)
        t->backoff_base_ms = t->poll_ms < BACKOFF_BASE_MS ? t->poll_ms : BACKOFF_BASE_MS;
    if (t->backoff_max_ms < t->backoff_base_ms)
        t->backoff_max_ms = t->backoff_base_ms;
    if (t->connect_timeout_ms <= 0)
        t->connect_timeout_ms = cfg->connect_timeout * 1000;
    if (t->total_timeout_ms <= 0)
        t->total_timeout_ms = cfg->total_timeout * 1000;
    if (t->max_image_bytes_total == 0)
        t->max_image_bytes_total = SOURCE_MAX_IMAGE_BYTES;
}

static bool feed_setting_ok(const char *feed_setting, bool *remote)
{
    *remote = fetch_is_remote_url(feed_setting);
    if (!*feed_setting) {
        LOG_ERR("no feed configured");
        return false;
    }
    if (!*remote && strstr(feed_setting, "://") &&
        strncasecmp(feed_setting, "file://", 7)) {
        LOG_ERR("feed %s: only http://, https://, file:// or a path", feed_setting);
        return false;
    }
    return true;
}

static void open_cache(source *s)
{
    char dir[sizeof s->cfg.cache_dir];
    if (s->cfg.cache_dir[0])
        snprintf(dir, sizeof dir, "%s", s->cfg.cache_dir);
    else if (!cache_default_dir(dir, sizeof dir))
        dir[0] = '\0';
    s->cache = dir[0] ? cache_create(dir) : NULL;
    if (!s->cache)
        LOG_WARN("no usable cache directory: no offline copy, no remote images");
}

source *source_create_timed(const config *cfg, const source_timing *timing,
                            source_wake_fn wake, void *ctx)
{
    bool remote;
    if (!feed_setting_ok(cfg->feed, &remote))
        return NULL;
    source *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->cfg = *cfg;
    fill_timing(&s->timing, cfg, timing);
    s->wake = wake;
    s->ctx = ctx;
    s->remote = remote;
    s->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)s;
    atomic_init(&s->cancel, false);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    open_cache(s);
    s->fetch = fetch_create();
    s->taken[0] = collect_images(s, NULL, false); /* the logo, before any feed */
    if (remote)
        load_cached_feed(s);
    else
        poll_local(s);
    if (pthread_create(&s->thread, NULL, worker, s) == 0)
        s->thread_started = true;
    else
        LOG_ERR("cannot start the fetch thread: the feed will not be updated");
    return s;
}

source *source_create(const config *cfg, source_wake_fn wake, void *ctx)
{
    return source_create_timed(cfg, NULL, wake, ctx);
}

void source_destroy(source *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    atomic_store(&s->cancel, true);
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    if (s->thread_started)
        pthread_join(s->thread, NULL);
    if (s->pending)
        feed_destroy(s->pending);
    map_free(s->pending_map);
    for (int k = 0; k < TAKEN_MAPS; k++)
        map_free(s->taken[k]);
    map_free(s->retry);
    map_free(s->fixed);
    fetch_destroy(s->fetch);
    cache_destroy(s->cache);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

feed *source_take_feed(source *s)
{
    pthread_mutex_lock(&s->mu);
    merge_fixed(s);
    feed *f = s->pending;
    if (f) {
        map_free(s->taken[TAKEN_MAPS - 1]);
        memmove(&s->taken[1], &s->taken[0], (TAKEN_MAPS - 1) * sizeof s->taken[0]);
        s->taken[0] = s->pending_map;
        s->pending = NULL;
        s->pending_map = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    return f;
}

bool source_wait_attempts(source *s, unsigned n, int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (s->status.attempts < n)
        if (pthread_cond_timedwait(&s->cond, &s->mu, &ts) == ETIMEDOUT)
            break;
    bool done = s->status.attempts >= n;
    pthread_mutex_unlock(&s->mu);
    return done;
}

void source_wait_first(source *s, int timeout_ms)
{
    source_wait_attempts(s, 1, timeout_ms);
}

void source_poll_now(source *s)
{
    pthread_mutex_lock(&s->mu);
    s->poll_now = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

long source_jitter_ms(long ms, unsigned *seed)
{
    return ms * (900 + rand_r(seed) % 201) / 1000;
}

unsigned source_images_arrived(source *s)
{
    pthread_mutex_lock(&s->mu);
    merge_fixed(s);
    unsigned n = s->images_arrived;
    pthread_mutex_unlock(&s->mu);
    return n;
}

const char *source_image_path(source *s, const char *url)
{
    if (!url || !*url)
        return NULL;
    pthread_mutex_lock(&s->mu);
    if (s->fixed)
        merge_fixed(s);
    pthread_mutex_unlock(&s->mu);
    for (int k = 0; k < TAKEN_MAPS; k++) {
        const image_entry *e = map_find(s->taken[k], url);
        if (e)
            return e->path;
    }
    return NULL;
}

void source_get_status(source *s, source_status *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->status;
    pthread_mutex_unlock(&s->mu);
}

const char *source_cache_dir(const source *s)
{
    return s->cache ? cache_dir(s->cache) : "";
}
