#define LOG_MODULE "imagestore"
#include "imagestore.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "fetch.h"
#include "image.h"
#include "log.h"
#include "util.h"

#define IMAGE_PREFIX "img-"
#define IDLE_WAIT_MS 60000       /* the download thread's sleep with nothing to do */
#define ROOM_MARGIN (256 * 1024) /* free bytes kept besides a file to write */

typedef struct {
    char *ref;  /* as written in the feed or config: the lookup key */
    char *url;  /* the http(s) URL it downloads from; NULL for a local file */
    char *path; /* the file; NULL while missing */
} entry;

struct imagestore_map {
    size_t n, cap;
    entry *e;
    size_t bytes;         /* bytes of the files found */
    bool full;            /* past a cap: said once, the rest go without */
    imagestore_map *next; /* in the list of live maps not taken yet */
};

typedef struct {
    char *url;
    char name[32];
    bool retry;  /* a retry: failures are logged at debug level */
    size_t need; /* bytes that found no room on disk; 0 otherwise */
} job;

typedef struct {
    size_t n, cap;
    job **v;
} joblist;

struct imagestore {
    char *feed, *logo, *ca_file;
    bool remote;
    size_t max_image_bytes, max_bytes_total;
    int64_t max_image_pixels;
    long connect_timeout_ms, total_timeout_ms, low_speed_time_s;
    imagestore_wake_fn wake;
    void *ctx;
    cache *cache; /* cache_dir/images; NULL: no remote images */
    pthread_t thread;
    atomic_bool stop; /* also every download's cancel flag */

    /* The downloads start with the first remote image (start_downloads). */
    pthread_mutex_t start_mu;
    bool start_tried; /* under start_mu */

    pthread_mutex_t mu;
    pthread_cond_t idle_cond;
    /* Under mu (set once, by start_downloads). */
    fetch_multi *multi;
    bool thread_started;
    /* Under mu. */
    joblist queue, running;
    joblist wanted; /* URLs the newest feed missed: their failures are retried */
    joblist retry;  /* failed downloads of the newest feed */
    int retry_tries;
    imagestore_map *taken[IMAGESTORE_TAKEN];
    imagestore_map *untaken;
    unsigned arrived;
};

enum { GOT_READY, GOT_RETRY, GOT_FAILED, GOT_NO_ROOM };

/* ---- job lists ---- */

static job *job_new(const char *url, bool retry)
{
    job *j = xmalloc(sizeof *j);
    *j = (job){.url = xstrdup(url), .retry = retry};
    cache_name_for_url(url, IMAGE_PREFIX, j->name, sizeof j->name);
    return j;
}

static void job_free(job *j)
{
    if (j) {
        free(j->url);
        free(j);
    }
}

static void jobs_push(joblist *l, job *j)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = j;
}

static long jobs_find(const joblist *l, const char *url)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->url, url) == 0)
            return (long)i;
    return -1;
}

/* Takes entry i out of the list (order kept) and returns it. */
static job *jobs_take(joblist *l, size_t i)
{
    job *j = l->v[i];
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
    l->n--;
    return j;
}

static void jobs_clear(joblist *l)
{
    for (size_t i = 0; i < l->n; i++)
        job_free(l->v[i]);
    l->n = 0;
}

static void jobs_free(joblist *l)
{
    jobs_clear(l);
    free(l->v);
}

/* ---- maps ---- */

static void map_free(imagestore_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].ref);
        free(m->e[i].url);
        free(m->e[i].path);
    }
    free(m->e);
    free(m);
}

static const entry *map_find(const imagestore_map *m, const char *ref)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->e[i].ref, ref) == 0)
            return &m->e[i];
    return NULL;
}

static void map_add(imagestore_map *m, const char *ref, const char *url, const char *path)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 16;
        m->e = xrealloc(m->e, m->cap * sizeof *m->e);
    }
    m->e[m->n++] = (entry){.ref = xstrdup(ref),
                           .url = url ? xstrdup(url) : NULL,
                           .path = path ? xstrdup(path) : NULL};
}

/* Past a cap: the rest of this map's images go without (said once). */
static bool map_over_cap(imagestore *st, imagestore_map *m)
{
    if (m->n < IMAGESTORE_MAX_IMAGES && m->bytes < st->max_bytes_total)
        return false;
    if (!m->full)
        LOG_WARN("the feed's images pass %d files or %zu bytes: the rest are shown "
                 "without",
                 IMAGESTORE_MAX_IMAGES, st->max_bytes_total);
    m->full = true;
    return true;
}

static size_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
}

/* mu held: an image that arrived fills the entries of m still missing it,
 * within m's byte cap. True when one took it. */
static bool fill_map(imagestore *st, imagestore_map *m, const char *url, const char *path,
                     size_t size)
{
    bool used = false;
    for (size_t i = 0; m && i < m->n; i++) {
        entry *e = &m->e[i];
        if (e->path || !e->url || strcmp(e->url, url) != 0)
            continue;
        if (m->bytes >= st->max_bytes_total) {
            map_over_cap(st, m);
            continue;
        }
        e->path = xstrdup(path);
        m->bytes += size;
        used = true;
    }
    return used;
}

/* mu held: fill_map for every live map, taken or not yet. */
static bool fill_maps(imagestore *st, const char *url, const char *path)
{
    bool used = false;
    size_t size = file_size(path);
    for (int k = 0; k < IMAGESTORE_TAKEN; k++)
        used |= fill_map(st, st->taken[k], url, path, size);
    for (imagestore_map *m = st->untaken; m; m = m->next)
        used |= fill_map(st, m, url, path, size);
    return used;
}

/* ---- finding images ---- */

static const char *local_feed_path(const imagestore *st)
{
    return strncasecmp(st->feed, "file://", 7) == 0 ? st->feed + 7 : st->feed;
}

/* A local image named by a local feed (or the config's logo): file:// is
 * stripped, a relative path is taken from the feed file's folder. */
static bool local_image_path(const imagestore *st, const char *ref, char *out,
                             size_t out_size)
{
    const char *p = strncasecmp(ref, "file://", 7) == 0 ? ref + 7 : ref;
    int n;
    if (p[0] == '/') {
        n = snprintf(out, out_size, "%s", p);
    } else {
        const char *fp = local_feed_path(st);
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

/* The http(s) URL an image name downloads from, into url; false (logged)
 * when it names nothing that may be downloaded. *local: it is a file. */
static bool image_url(const imagestore *st, const char *ref, bool trusted, char *url,
                      size_t url_size, bool *local)
{
    *local = false;
    if (fetch_is_remote_url(ref))
        return snprintf(url, url_size, "%s", ref) < (int)url_size;
    if (st->remote && !trusted) {
        if (!strstr(ref, "://") && fetch_resolve_url(st->feed, ref, url, url_size))
            return true;
        LOG_WARN("image %s: only http(s) images are used with a remote feed", ref);
        return false;
    }
    if (strstr(ref, "://") && strncasecmp(ref, "file://", 7) != 0) {
        LOG_WARN("image %s: unsupported URL scheme", ref);
        return false;
    }
    *local = true;
    return false;
}

/* Adds one name to m: its file when there is one, else (remote) its URL
 * goes on `missing`. The config's logo is trusted to be a local file. */
static void add_image(imagestore *st, imagestore_map *m, const char *ref, bool trusted,
                      joblist *missing)
{
    char url[4096], path[1400], name[32];
    bool local, found = false;
    if (!ref || !*ref || map_find(m, ref))
        return;
    if (map_over_cap(st, m)) {
        map_add(m, ref, NULL, NULL);
        return;
    }
    bool remote = image_url(st, ref, trusted, url, sizeof url, &local);
    if (local) {
        found = local_image_path(st, ref, path, sizeof path);
    } else if (remote && st->cache) {
        cache_name_for_url(url, IMAGE_PREFIX, name, sizeof name);
        found = cache_check(st->cache, name) &&
                cache_path(st->cache, name, path, sizeof path);
        if (!found && jobs_find(missing, url) < 0)
            jobs_push(missing, job_new(url, false));
    }
    if (found)
        m->bytes += file_size(path);
    map_add(m, ref, remote ? url : NULL, found ? path : NULL);
}

/* ---- downloads ---- */

bool imagestore_has_room(const imagestore *st, size_t bytes)
{
    struct statvfs vs;
    if (!st->cache || statvfs(cache_dir(st->cache), &vs) != 0)
        return true;
    return (uint64_t)vs.f_bavail * vs.f_frsize >= (uint64_t)bytes + ROOM_MARGIN;
}

/* mu held: moves queued jobs to the transfers while there is room. */
static void start_jobs(imagestore *st)
{
    while (st->queue.n) {
        job *j = st->queue.v[0];
        fetch_request req = {
            .url = j->url,
            .kind = FETCH_KIND_IMAGE,
            .max_bytes = st->max_image_bytes,
            .connect_timeout_ms = st->connect_timeout_ms,
            .total_timeout_ms = st->total_timeout_ms,
            .low_speed_time_s = st->low_speed_time_s,
            .ca_file = st->ca_file,
            .cancel = &st->stop,
        };
        if (!fetch_multi_add(st->multi, &req, j))
            return;
        jobs_push(&st->running, jobs_take(&st->queue, 0));
    }
}

/* Checks a downloaded image and writes it to the cache. Failures are
 * logged (at debug level on a retry). */
static int keep_image(imagestore *st, job *j, const fetch_response *r)
{
    enum log_level level = j->retry ? LOG_DEBUG : LOG_WARN;
    image_format fmt;
    int w, h;
    if (r->result != FETCH_OK) {
        if (r->result == FETCH_CANCELLED)
            return GOT_FAILED;
        log_msg(level, LOG_MODULE, "image %s: %s: %s", j->url,
                fetch_result_name(r->result), r->error);
        bool passing = r->result == FETCH_NETWORK || r->result == FETCH_TIMEOUT ||
                       r->result == FETCH_HTTP_ERROR;
        return passing ? GOT_RETRY : GOT_FAILED;
    }
    if (!image_probe(r->body, r->len, &fmt, &w, &h)) {
        log_msg(level, LOG_MODULE, "image %s: not a PNG, JPEG, GIF, WebP or BMP image",
                j->url);
        return GOT_FAILED;
    }
    if ((int64_t)w * h > st->max_image_pixels) {
        log_msg(level, LOG_MODULE, "image %s: %dx%d pixels is over the limit of %lld",
                j->url, w, h, (long long)st->max_image_pixels);
        return GOT_FAILED;
    }
    if (cache_write(st->cache, j->name, r->body, r->len))
        return GOT_READY;
    size_t need = r->len + CACHE_HEADER_SIZE;
    if (imagestore_has_room(st, need))
        return GOT_RETRY; /* not a full disk: an error that may pass */
    if (!j->need)
        LOG_WARN("image %s: downloaded but the disk is full: it is saved when there is "
                 "room",
                 j->url);
    j->need = need;
    return GOT_NO_ROOM;
}

/* mu held: the outcome of job j, which is out of the running list. */
static bool record(imagestore *st, job *j, int got)
{
    char path[1400];
    bool used = false;
    if (got == GOT_READY && cache_path(st->cache, j->name, path, sizeof path)) {
        if (j->need)
            LOG_INFO("image %s: saved now that the disk has room", j->url);
        else if (j->retry)
            LOG_INFO("image %s: downloaded on a retry", j->url);
        used = fill_maps(st, j->url, path);
        st->arrived += used;
    }
    bool again = got == GOT_RETRY || got == GOT_NO_ROOM;
    if (again && jobs_find(&st->wanted, j->url) >= 0 && jobs_find(&st->retry, j->url) < 0)
        jobs_push(&st->retry, j);
    else
        job_free(j);
    return used;
}

/* A finished download: checked and written without the lock, then
 * recorded. */
static void finish(imagestore *st, job *j, fetch_response *r)
{
    int got = keep_image(st, j, r);
    fetch_response_free(r);
    pthread_mutex_lock(&st->mu);
    long i = -1;
    for (size_t k = 0; k < st->running.n && i < 0; k++)
        if (st->running.v[k] == j)
            i = (long)k;
    if (i >= 0)
        jobs_take(&st->running, (size_t)i);
    bool used = record(st, j, got);
    pthread_mutex_unlock(&st->mu);
    if (used && st->wake)
        st->wake(st->ctx);
}

static void *downloader(void *arg)
{
    imagestore *st = arg;
    pthread_mutex_lock(&st->mu);
    while (!atomic_load(&st->stop)) {
        start_jobs(st);
        if (!st->queue.n && !st->running.n)
            pthread_cond_broadcast(&st->idle_cond);
        pthread_mutex_unlock(&st->mu);
        fetch_response r;
        void *tag;
        if (fetch_multi_wait(st->multi, IDLE_WAIT_MS, &r, &tag))
            finish(st, tag, &r);
        pthread_mutex_lock(&st->mu);
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

/* Starts libcurl and the download thread, once: called when the first
 * remote image is missing, so a player whose images are all files never
 * loads TLS. Not under mu: curl_global_init takes a while, and the loop's
 * lookups take mu. A failure is logged and not tried again. */
static void start_downloads(imagestore *st)
{
    pthread_mutex_lock(&st->start_mu);
    if (!st->start_tried) {
        st->start_tried = true;
        fetch_multi *m = fetch_multi_create(IMAGESTORE_PARALLEL);
        pthread_mutex_lock(&st->mu);
        st->multi = m;
        st->thread_started = m && pthread_create(&st->thread, NULL, downloader, st) == 0;
        bool ok = st->thread_started;
        pthread_mutex_unlock(&st->mu);
        if (!ok)
            LOG_ERR("cannot start the image download thread: remote images are not "
                    "shown");
    }
    pthread_mutex_unlock(&st->start_mu);
}

/* mu held: queues url unless it is queued or running already. */
static bool enqueue(imagestore *st, const char *url, job *j)
{
    if (jobs_find(&st->queue, url) >= 0 || jobs_find(&st->running, url) >= 0) {
        job_free(j);
        return false;
    }
    jobs_push(&st->queue, j ? j : job_new(url, false));
    return true;
}

/* ---- the cache directory ---- */

static bool is_store_name(const char *name)
{
    size_t k = strlen(IMAGE_PREFIX);
    if (strncmp(name, IMAGE_PREFIX, k) != 0 || strlen(name) != k + 16)
        return false;
    for (const char *p = name + k; *p; p++)
        if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
            return false;
    return true;
}

/* One of the store's files that the cache moved aside as damaged. */
static bool is_damaged_name(const char *name)
{
    char base[64];
    size_t n = strlen(name);
    if (n < 5 || n >= sizeof base || strcmp(name + n - 4, ".bad") != 0)
        return false;
    memcpy(base, name, n - 4);
    base[n - 4] = '\0';
    return is_store_name(base);
}

/* A file in the cache format (its magic), read without moving it aside. */
static bool has_cache_magic(const char *path)
{
    unsigned char head[CACHE_HEADER_SIZE];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat sb;
    bool regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
    ssize_t n = regular ? read(fd, head, sizeof head) : -1;
    close(fd);
    const void *payload;
    size_t len;
    bool ok;
    return n == (ssize_t)sizeof head &&
           cache_unwrap(head, sizeof head, &payload, &len, &ok);
}

/* Images an older version kept in cache_dir itself move into the store's
 * subdirectory: only files named as the store names them and in the cache
 * format, so nobody else's file is touched. */
static void migrate_old_images(imagestore *st, const char *top)
{
    DIR *d = opendir(top);
    struct dirent *de;
    int moved = 0;
    char from[1400], to[1400];
    while (d && (de = readdir(d))) {
        if (!is_store_name(de->d_name) ||
            snprintf(from, sizeof from, "%s/%s", top, de->d_name) >= (int)sizeof from ||
            !cache_path(st->cache, de->d_name, to, sizeof to) || !has_cache_magic(from))
            continue;
        moved += rename(from, to) == 0;
    }
    if (d)
        closedir(d);
    if (moved)
        LOG_INFO("moved %d cached images into %s", moved, cache_dir(st->cache));
}

static void open_cache(imagestore *st, const char *top)
{
    char dir[1200];
    if (!top || !*top)
        return;
    if (snprintf(dir, sizeof dir, "%s/" IMAGESTORE_SUBDIR, top) >= (int)sizeof dir ||
        !(st->cache = cache_create(dir))) {
        LOG_WARN("no image cache directory: remote images are not shown");
        return;
    }
    migrate_old_images(st, top);
}

/* ---- public ---- */

static void copy_params(imagestore *st, const imagestore_params *p)
{
    st->feed = xstrdup(p->feed);
    st->logo = xstrdup(p->logo);
    st->ca_file = xstrdup(p->ca_file);
    st->remote = p->remote;
    st->max_image_bytes = p->max_image_bytes;
    st->max_image_pixels = p->max_image_pixels;
    st->max_bytes_total = p->max_bytes_total ? p->max_bytes_total : IMAGESTORE_MAX_BYTES;
    st->connect_timeout_ms = p->connect_timeout_ms;
    st->total_timeout_ms = p->total_timeout_ms;
    st->low_speed_time_s = p->low_speed_time_s;
}

imagestore *imagestore_create(const imagestore_params *p, imagestore_wake_fn wake,
                              void *ctx)
{
    imagestore *st = xcalloc(1, sizeof *st);
    copy_params(st, p);
    st->wake = wake;
    st->ctx = ctx;
    atomic_init(&st->stop, false);
    pthread_mutex_init(&st->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&st->idle_cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&st->start_mu, NULL);
    open_cache(st, p->cache_dir);
    return st;
}

void imagestore_destroy(imagestore *st)
{
    if (!st)
        return;
    atomic_store(&st->stop, true);
    if (st->thread_started) {
        fetch_multi_wakeup(st->multi);
        pthread_join(st->thread, NULL);
    }
    fetch_multi_destroy(st->multi); /* aborts what still runs: its tags below */
    for (size_t i = 0; i < st->running.n; i++)
        job_free(st->running.v[i]);
    free(st->running.v);
    jobs_free(&st->queue);
    jobs_free(&st->wanted);
    jobs_free(&st->retry);
    for (int k = 0; k < IMAGESTORE_TAKEN; k++)
        map_free(st->taken[k]);
    while (st->untaken) {
        imagestore_map *next = st->untaken->next;
        map_free(st->untaken);
        st->untaken = next;
    }
    cache_destroy(st->cache);
    pthread_cond_destroy(&st->idle_cond);
    pthread_mutex_destroy(&st->mu);
    pthread_mutex_destroy(&st->start_mu);
    free(st->feed);
    free(st->logo);
    free(st->ca_file);
    free(st);
}

/* mu held: a new feed; the last one's failures are not retried any more. */
static void new_feed(imagestore *st, joblist *missing)
{
    jobs_clear(&st->wanted);
    jobs_clear(&st->retry);
    jobs_clear(&st->queue);
    st->retry_tries = 0;
    for (size_t i = 0; i < missing->n; i++)
        jobs_push(&st->wanted, job_new(missing->v[i]->url, false));
}

imagestore_map *imagestore_collect(imagestore *st, const feed *f)
{
    imagestore_map *m = xcalloc(1, sizeof *m);
    joblist missing = {0};
    add_image(st, m, st->logo, true, &missing);
    /* Only the picture a slide shows (image, else banner_image). */
    for (size_t i = 0; f && i < f->n_items; i++)
        add_image(st, m, feed_item_image(&f->items[i]), false, &missing);
    if (missing.n) /* only remote images go missing, and only with a cache */
        start_downloads(st);
    pthread_mutex_lock(&st->mu);
    m->next = st->untaken;
    st->untaken = m;
    if (f)
        new_feed(st, &missing);
    bool any = false;
    for (size_t i = 0; i < missing.n && st->thread_started; i++) {
        any |= enqueue(st, missing.v[i]->url, missing.v[i]);
        missing.v[i] = NULL;
    }
    fetch_multi *wake = any ? st->multi : NULL;
    pthread_mutex_unlock(&st->mu);
    jobs_free(&missing);
    if (wake)
        fetch_multi_wakeup(wake);
    return m;
}

/* mu held: takes m out of the list of maps not taken. */
static void unlink_untaken(imagestore *st, imagestore_map *m)
{
    for (imagestore_map **p = &st->untaken; *p; p = &(*p)->next)
        if (*p == m) {
            *p = m->next;
            m->next = NULL;
            return;
        }
}

void imagestore_drop(imagestore *st, imagestore_map *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&st->mu);
    unlink_untaken(st, m);
    pthread_mutex_unlock(&st->mu);
    map_free(m);
}

void imagestore_take(imagestore *st, imagestore_map *m)
{
    pthread_mutex_lock(&st->mu);
    unlink_untaken(st, m);
    imagestore_map *old = st->taken[IMAGESTORE_TAKEN - 1];
    memmove(&st->taken[1], &st->taken[0], (IMAGESTORE_TAKEN - 1) * sizeof st->taken[0]);
    st->taken[0] = m;
    pthread_mutex_unlock(&st->mu);
    map_free(old);
}

const char *imagestore_path(imagestore *st, const char *ref)
{
    const char *path = NULL;
    if (!ref || !*ref)
        return NULL;
    pthread_mutex_lock(&st->mu);
    const entry *e = NULL;
    for (int k = 0; k < IMAGESTORE_TAKEN && !e; k++)
        e = map_find(st->taken[k], ref); /* the newest map naming it answers */
    path = e ? e->path : NULL;
    pthread_mutex_unlock(&st->mu);
    return path;
}

unsigned imagestore_arrived(imagestore *st)
{
    pthread_mutex_lock(&st->mu);
    unsigned n = st->arrived;
    pthread_mutex_unlock(&st->mu);
    return n;
}

void imagestore_retry(imagestore *st)
{
    bool any = false, counted = false;
    pthread_mutex_lock(&st->mu);
    for (size_t i = 0; i < st->retry.n;) {
        job *j = st->retry.v[i];
        bool go = j->need ? imagestore_has_room(st, j->need)
                          : st->retry_tries < IMAGESTORE_RETRIES;
        if (!go) {
            i++;
            continue;
        }
        counted |= !j->need;
        j->retry = true;
        any |= enqueue(st, j->url, jobs_take(&st->retry, i));
    }
    st->retry_tries += counted;
    fetch_multi *wake = any ? st->multi : NULL;
    pthread_mutex_unlock(&st->mu);
    if (wake)
        fetch_multi_wakeup(wake);
}

/* The names of m's downloaded files, onto keep. */
static void map_names(const imagestore_map *m, joblist *keep)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (m->e[i].url && m->e[i].path)
            jobs_push(keep, job_new(m->e[i].url, false));
}

/* mu held: the names of the files some live map or download uses. */
static void used_names(imagestore *st, joblist *keep)
{
    for (int k = 0; k < IMAGESTORE_TAKEN; k++)
        map_names(st->taken[k], keep);
    for (const imagestore_map *m = st->untaken; m; m = m->next)
        map_names(m, keep);
    const joblist *busy[] = {&st->queue, &st->running};
    for (size_t b = 0; b < 2; b++)
        for (size_t i = 0; i < busy[b]->n; i++)
            jobs_push(keep, job_new(busy[b]->v[i]->url, false));
}

static bool name_in(const joblist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->name, name) == 0)
            return true;
    return false;
}

void imagestore_prune(imagestore *st)
{
    if (!st->cache)
        return;
    joblist keep = {0};
    pthread_mutex_lock(&st->mu);
    used_names(st, &keep);
    pthread_mutex_unlock(&st->mu);
    DIR *d = opendir(cache_dir(st->cache));
    struct dirent *de;
    while (d && (de = readdir(d)))
        if ((is_store_name(de->d_name) && !name_in(&keep, de->d_name)) ||
            is_damaged_name(de->d_name))
            cache_remove(st->cache, de->d_name);
    if (d)
        closedir(d);
    jobs_free(&keep);
}

unsigned imagestore_unsaved(imagestore *st)
{
    unsigned n = 0;
    pthread_mutex_lock(&st->mu);
    for (size_t i = 0; i < st->retry.n; i++)
        n += st->retry.v[i]->need > 0;
    pthread_mutex_unlock(&st->mu);
    return n;
}

bool imagestore_wait_idle(imagestore *st, const struct timespec *deadline)
{
    pthread_mutex_lock(&st->mu);
    while ((st->queue.n || st->running.n) && st->thread_started)
        if (pthread_cond_timedwait(&st->idle_cond, &st->mu, deadline) == ETIMEDOUT)
            break;
    bool idle = !st->queue.n && !st->running.n;
    pthread_mutex_unlock(&st->mu);
    return idle;
}
