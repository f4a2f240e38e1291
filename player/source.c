#define LOG_MODULE "source"
#include "source.h"

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
#include "imagestore.h"
#include "hash.h"
#include "blocklist.h"
#include "log.h"
#include "minisign.h"
#include "now.h"
#include "util.h"

#define FEED_CACHE_NAME "feed"
#define SIG_CACHE_NAME "feed.minisig"
#define SIG_REPLAY 20 /* a signature code besides minisign_result's */
#define SIG_MISSING 21
#define FEED_CACHE_MAGIC "signage-feed 1\n"
#define LOCAL_CHECK_MS 2000
#define BACKOFF_BASE_MS 10000

struct source {
    char *feed, *cache_dir, *logo, *ca_file; /* owned copies of the params' */
    size_t max_feed_bytes, max_image_bytes;
    int max_image_pixels;
    source_timing timing;
    source_wake_fn wake;
    void *ctx;
    bool remote;
    cache *cache;         /* NULL: no offline copy, no remote images */
    imagestore *images;   /* the feeds' images; downloads on a thread of its own */
    blocklist *blocklist; /* NULL: none; applied to every feed parsed */
    bool signed_feeds;    /* a public key is configured */
    bool key_ok;          /* ... and it could be read */
    minisign_key key;
    char *sig_where; /* URL or path of the signature */

    /* Worker only. */
    fetch *fetch;     /* made at the first remote fetch (http_client) */
    bool fetch_tried; /* ... once: a failed start is not tried again */
    char etag[256], last_modified[128];
    bool have_body;
    uint64_t body_hash;
    bool have_stat;
    struct stat last_stat;
    int failures;
    unsigned seed;
    int last_code;      /* what went wrong last, to log changes only */
    log_repeat failing; /* a failure that lasts is logged, not every poll of it */
    char *unsaved_body; /* the feed shown, not in the cache yet (disk full) */
    size_t unsaved_len;
    char *sig_text; /* the signature of the feed shown (signed feeds) */
    size_t sig_len;
    bool have_ts; /* the feed shown has a trusted timestamp, shown_ts */
    int64_t shown_ts;
    struct stat last_sig_stat; /* local signature file, zero when missing */

    pthread_t thread;
    bool thread_started;
    bool start_on_worker; /* read_first runs on the worker */
    pthread_mutex_t mu;
    pthread_cond_t cond; /* worker sleep, attempts finished */
    bool stop, poll_now;
    atomic_bool cancel;
    feed *pending; /* under mu */
    imagestore_map *pending_map;
    bool feed_unsaved; /* under mu: unsaved_body is set */
    source_status status;
};

/* ---- status ---- */

/* The cause codes set_status gets: a fetch result + 1, CAUSE_INVALID and
 * CAUSE_UNUSABLE for a refused body, CAUSE_FILE + errno for a local file,
 * CAUSE_SIGNATURE + the reason for a refused signature (signed feeds).
 * CAUSE_SIGNATURE is far above any errno, so the two never meet. */
enum {
    CAUSE_INVALID = 100,
    CAUSE_UNUSABLE = 101,
    CAUSE_FILE = 200,
    CAUSE_SIGNATURE = 10000
};

/* The failure kind of a cause code. */
static source_failure failure_kind(int code)
{
    if (code >= CAUSE_SIGNATURE)
        return SOURCE_FAIL_SIGNATURE;
    if (code >= CAUSE_FILE)
        return SOURCE_FAIL_FILE;
    if (code == CAUSE_INVALID || code == CAUSE_UNUSABLE)
        return code == CAUSE_INVALID ? SOURCE_FAIL_INVALID : SOURCE_FAIL_UNUSABLE;
    switch (code - 1) {
    case FETCH_HTTP_ERROR:
        return SOURCE_FAIL_HTTP;
    case FETCH_TIMEOUT:
        return SOURCE_FAIL_TIMEOUT;
    case FETCH_NETWORK:
        return SOURCE_FAIL_NETWORK;
    case FETCH_TOO_BIG:
        return SOURCE_FAIL_TOO_BIG;
    case FETCH_BAD_TYPE:
        return SOURCE_FAIL_TYPE;
    case FETCH_BAD_URL:
        return SOURCE_FAIL_URL;
    default:
        return SOURCE_FAIL_OTHER;
    }
}

const char *source_failure_name(source_failure k)
{
    static const char *const names[SOURCE_FAIL_KINDS] = {
        "http",         "timeout",        "network", "too_big",   "content_type", "url",
        "invalid_feed", "no_usable_item", "file",    "signature", "other"};
    return (unsigned)k < SOURCE_FAIL_KINDS ? names[k] : "other";
}

/* One more poll counted by its result (mu held). */
static void count_poll(source_status *st, source_result r, int code)
{
    if (r == SOURCE_OK)
        st->polls_ok++;
    else if (r == SOURCE_UNCHANGED)
        st->polls_unchanged++;
    else
        st->polls_failed[failure_kind(code)]++;
}

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
    st->last_attempt = now_wall();
    if (r != SOURCE_ERROR) {
        st->last_success = st->last_attempt;
        st->from_cache = false;
    }
    snprintf(st->message, sizeof st->message, "%s", msg);
    st->attempts++;
    count_poll(st, r, code);
    s->last_code = code;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    char code_text[32] = "";
    if (http)
        snprintf(code_text, sizeof code_text, " (HTTP %d)", http);
    /* A lasting failure: when it starts, when it changes, at the 10th,
     * 100th... poll, and when it ends, with the count. */
    if (r == SOURCE_ERROR)
        LOG_FAILED(&s->failing, LOG_WARN, code * 1000 + http, "%s: %s%s", s->feed, msg,
                   code_text);
    else if (s->failing.count)
        LOG_RECOVERED(&s->failing, "%s: %s%s", s->feed, msg, code_text);
    else if (changed && quiet)
        LOG_DBG("%s: %s%s", s->feed, msg, code_text);
    else if (changed)
        LOG_INFO("%s: %s%s", s->feed, msg, code_text);
    if (changed && s->wake)
        s->wake(s->ctx);
}

/* Hands a new feed to the app; an untaken older one is dropped. */
static void publish(source *s, feed *f, imagestore_map *map, bool from_cache)
{
    pthread_mutex_lock(&s->mu);
    if (s->pending)
        feed_destroy(s->pending);
    imagestore_drop(s->images, s->pending_map);
    s->pending = f;
    s->pending_map = map;
    s->status.from_cache = from_cache;
    pthread_mutex_unlock(&s->mu);
    if (s->wake)
        s->wake(s->ctx);
}

/* A path or file:// URL's path. */
static const char *file_path(const char *v)
{
    return strncasecmp(v, "file://", 7) == 0 ? v + 7 : v;
}

static const char *local_path(const source *s)
{
    return file_path(s->feed);
}

/* A request with the source's timeouts, CA file and cancel flag: the feed
 * and its signature are fetched alike. */
static fetch_request source_request(source *s, const char *url, fetch_kind kind,
                                    size_t max_bytes)
{
    return (fetch_request){
        .url = url,
        .kind = kind,
        .max_bytes = max_bytes,
        .connect_timeout_ms = s->timing.connect_timeout_ms,
        .total_timeout_ms = s->timing.total_timeout_ms,
        .low_speed_time_s = s->timing.low_speed_time_s,
        .ca_file = s->ca_file,
        .cancel = &s->cancel,
    };
}

/* The HTTP client, made the first time something remote is fetched: a
 * player whose feed and signature are files never starts libcurl (nor
 * loads TLS). NULL when libcurl cannot start (fetch logs it, once). */
static fetch *http_client(source *s)
{
    if (!s->fetch && !s->fetch_tried) {
        s->fetch_tried = true;
        s->fetch = fetch_create();
    }
    return s->fetch;
}

/* ---- signatures ---- */

/* A signature just checked: its text (owned) and trusted timestamp. */
typedef struct {
    char *text;
    size_t len;
    bool has_ts;
    int64_t ts;
} signature;

/* The signature file's text at s->sig_where, fetched with the feed's
 * options or read from disk; NULL with the reason. */
static char *get_signature(source *s, size_t *len, char *why, size_t why_size)
{
    if (!fetch_is_remote_url(s->sig_where)) {
        const char *path = file_path(s->sig_where);
        char *text = read_file_capped(path, MINISIGN_MAX_SIG, len);
        if (!text)
            snprintf(why, why_size, "no signature: %s: %s", path, read_file_error(errno));
        return text;
    }
    fetch_request req = source_request(s, s->sig_where, FETCH_KIND_ANY, MINISIGN_MAX_SIG);
    fetch_response r;
    char *text = NULL;
    fetch *http = http_client(s);
    if (!http) {
        snprintf(why, why_size, "no HTTP client for the signature");
        return NULL;
    }
    if (fetch_get(http, &req, &r) == FETCH_OK) {
        text = r.body;
        *len = r.len;
        r.body = NULL;
    } else {
        snprintf(why, why_size, "no signature: %s: %.120s", s->sig_where, r.error);
    }
    fetch_response_free(&r);
    return text;
}

/* The verdict on body signed by sg->text: MINISIGN_OK, a minisign_result
 * or SIG_REPLAY, with the reason. A feed whose timestamp is older than the
 * one on screen, or that has none when it has one, is a replay. */
static int judge(const source *s, const char *body, size_t len, signature *sg, char *why,
                 size_t why_size)
{
    minisign_sig sig;
    if (!s->key_ok) {
        snprintf(why, why_size, "the configured feed_public_key cannot be used");
        return MINISIGN_BAD_KEY;
    }
    minisign_result r = minisign_parse_sig(sg->text, sg->len, &sig, why, why_size);
    if (r == MINISIGN_OK)
        r = minisign_verify(&s->key, &sig, body, len, why, why_size);
    if (r != MINISIGN_OK)
        return (int)r;
    sg->has_ts = minisign_timestamp(&sig, &sg->ts);
    if (s->have_ts && (!sg->has_ts || sg->ts < s->shown_ts)) {
        snprintf(why, why_size,
                 "a replay: signed at %lld, before the feed on screen (signed at %lld)",
                 sg->has_ts ? (long long)sg->ts : 0LL, (long long)s->shown_ts);
        return SIG_REPLAY;
    }
    return MINISIGN_OK;
}

/* A refused signature: counted, and one line through set_status's flood
 * control. */
static void refuse(source *s, int http, int code, const char *why)
{
    char msg[sizeof s->status.message];
    snprintf(msg, sizeof msg, "signature refused (%.200s): last good feed kept", why);
    pthread_mutex_lock(&s->mu);
    s->status.signature_refusals++;
    pthread_mutex_unlock(&s->mu);
    set_status(s, SOURCE_ERROR, http, CAUSE_SIGNATURE + code, msg);
}

/* True when body comes with a good signature, then in *sg (free its text);
 * else refused (logged, counted). */
static bool signature_ok(source *s, const char *body, size_t len, int http, signature *sg)
{
    char why[200];
    *sg = (signature){0};
    sg->text = get_signature(s, &sg->len, why, sizeof why);
    int code = sg->text ? judge(s, body, len, sg, why, sizeof why) : SIG_MISSING;
    if (code == MINISIGN_OK)
        return true;
    free(sg->text);
    sg->text = NULL;
    refuse(s, http, code, why);
    return false;
}

/* The feed signed by sg is on screen now (sg's text moves here). */
static void adopt_signature(source *s, signature *sg)
{
    free(s->sig_text);
    s->sig_text = sg->text;
    s->sig_len = sg->len;
    s->have_ts = sg->has_ts;
    s->shown_ts = sg->ts;
    sg->text = NULL;
}

/* The local signature file's identity, zeroed when it is missing. */
static struct stat sig_stat(const source *s)
{
    struct stat st = {0};
    if (s->signed_feeds && !fetch_is_remote_url(s->sig_where) &&
        stat(file_path(s->sig_where), &st) != 0)
        memset(&st, 0, sizeof st);
    return st;
}

/* The key and where signatures are; nothing when no key is configured. */
static void open_signatures(source *s, const source_params *p)
{
    char why[300], where[2100];
    s->signed_feeds = p->public_key && p->public_key[0];
    if (!s->signed_feeds)
        return;
    s->key_ok = minisign_key_load(p->public_key, &s->key, why, sizeof why) == MINISIGN_OK;
    if (!s->key_ok)
        LOG_ERR("feed_public_key: %s: no feed is shown", why);
    if (p->signature && p->signature[0])
        snprintf(where, sizeof where, "%s", p->signature);
    else
        snprintf(where, sizeof where, "%s.minisig", s->remote ? s->feed : local_path(s));
    s->sig_where = xstrdup(where);
}

/* ---- the cached feed ---- */

/* Writes the feed and its validators to the cache, and its signature
 * beside it. False when it could not (logged by the cache). */
static bool save_feed(source *s, const char *body, size_t len)
{
    if (!s->cache)
        return true;
    if (s->signed_feeds &&
        !cache_write(s->cache, SIG_CACHE_NAME, s->sig_text, s->sig_len))
        return false;
    size_t head_max = strlen(s->feed) + sizeof s->etag + sizeof s->last_modified + 64;
    char *buf = xmalloc(head_max + len);
    int n =
        snprintf(buf, head_max, FEED_CACHE_MAGIC "url %s\netag %s\nlast-modified %s\n\n",
                 s->feed, s->etag, s->last_modified);
    memcpy(buf + n, body, len);
    bool ok = cache_write(s->cache, FEED_CACHE_NAME, buf, (size_t)n + len);
    free(buf);
    return ok;
}

/* mu not held: the feed on screen is (not) waiting to be saved. */
static void set_unsaved(source *s, const char *body, size_t len)
{
    free(s->unsaved_body);
    s->unsaved_body = NULL;
    if (body) {
        s->unsaved_body = xmalloc(len + 1);
        memcpy(s->unsaved_body, body, len);
    }
    s->unsaved_len = len;
    pthread_mutex_lock(&s->mu);
    s->feed_unsaved = body != NULL;
    pthread_mutex_unlock(&s->mu);
}

/* Keeps a new feed in the cache; when the write fails (a full disk) the
 * feed is kept in memory and written by retry_save. */
static void keep_feed(source *s, const char *body, size_t len)
{
    if (save_feed(s, body, len)) {
        set_unsaved(s, NULL, 0);
        return;
    }
    if (!s->unsaved_body)
        LOG_WARN("the new feed is shown but could not be saved in the cache: it is "
                 "saved when the disk has room");
    set_unsaved(s, body, len);
}

/* At each poll: the feed a full disk left unsaved is written once the disk
 * has room again (its images: imagestore_retry). */
static void retry_save(source *s)
{
    if (s->unsaved_body && imagestore_has_room(s->images, s->unsaved_len + 4096) &&
        save_feed(s, s->unsaved_body, s->unsaved_len)) {
        LOG_INFO("the feed is saved in the cache now that the disk has room");
        set_unsaved(s, NULL, 0);
    }
}

/* Reads one "key value\n" line of the cached feed's head into out. */
static const char *head_line(const char *p, const char *key, char *out, size_t out_size)
{
    size_t k = strlen(key);
    const char *nl = p ? strchr(p, '\n') : NULL;
    if (!nl || strncmp(p, key, k) != 0 || p[k] != ' ')
        return NULL;
    size_t n = (size_t)(nl - p) - k - 1;
    if (n >= out_size)
        return NULL;
    memcpy(out, p + k + 1, n);
    out[n] = '\0';
    return nl + 1;
}

/* The cached feed's signature, checked against the key configured now.
 * True when feeds are not signed. */
static bool cached_signature_ok(source *s, const char *body, size_t len)
{
    char why[200] = "no signature in the cache";
    signature sg = {0};
    if (!s->signed_feeds)
        return true;
    int code = cache_read(s->cache, SIG_CACHE_NAME, MINISIGN_MAX_SIG, &sg.text, &sg.len)
                   ? judge(s, body, len, &sg, why, sizeof why)
                   : SIG_MISSING;
    if (code == MINISIGN_OK) {
        adopt_signature(s, &sg);
        return true;
    }
    free(sg.text);
    LOG_WARN("the cached feed is not shown: signature refused (%s)", why);
    pthread_mutex_lock(&s->mu);
    s->status.signature_refusals++;
    pthread_mutex_unlock(&s->mu);
    return false;
}

/* Loads the cached feed for this URL, if any, with its validators. */
static void load_cached_feed(source *s)
{
    char *data, url[2048];
    size_t len;
    if (!s->cache ||
        !cache_read(s->cache, FEED_CACHE_NAME, s->max_feed_bytes + 8192, &data, &len))
        return;
    size_t ml = strlen(FEED_CACHE_MAGIC);
    const char *p = strncmp(data, FEED_CACHE_MAGIC, ml) == 0 ? data + ml : NULL;
    p = head_line(p, "url", url, sizeof url);
    p = head_line(p, "etag", s->etag, sizeof s->etag);
    p = head_line(p, "last-modified", s->last_modified, sizeof s->last_modified);
    if (!p || *p != '\n' || strcmp(url, s->feed) != 0) {
        LOG_INFO("cached feed is for another URL or in an old format: not used");
        s->etag[0] = s->last_modified[0] = '\0';
        free(data);
        return;
    }
    p++;
    size_t body_len = len - (size_t)(p - data);
    feed *f = cached_signature_ok(s, p, body_len) ? feed_parse(p, body_len, "cached feed")
                                                  : NULL;
    blocklist_apply(s->blocklist, f, "cached feed");
    if (f) {
        s->have_body = true;
        s->body_hash = hash_bytes(p, body_len);
        LOG_INFO("showing the cached feed (%zu items) until %s answers", f->n_items,
                 s->feed);
        publish(s, f, imagestore_collect(s->images, f), true);
        char path[1200];
        struct stat st;
        pthread_mutex_lock(&s->mu);
        if (cache_path(s->cache, FEED_CACHE_NAME, path, sizeof path) &&
            stat(path, &st) == 0)
            s->status.cached_at = (int64_t)st.st_mtime;
        snprintf(s->status.message, sizeof s->status.message,
                 "showing the cached feed until the server answers");
        pthread_mutex_unlock(&s->mu);
    } else {
        s->etag[0] = s->last_modified[0] = '\0';
    }
    free(data);
}

/* ---- polling ---- */

/* A new document: parse it, hand it over at once (its images come as they
 * download), then keep it. A document whose items are all unusable is
 * refused like a broken one: a CMS that renamed a field must not blank the
 * screen and the cache. Only a feed with no items at all empties them. */
static bool accept_body(source *s, const char *body, size_t len, int http)
{
    signature sg = {0};
    if (s->signed_feeds && !signature_ok(s, body, len, http, &sg))
        return false;
    feed *f = feed_parse(body, len, s->feed);
    blocklist_apply(s->blocklist, f, s->feed);
    char msg[160];
    if (!f || (f->n_items == 0 && f->n_dropped > 0)) {
        if (f)
            snprintf(msg, sizeof msg,
                     "none of the feed's %zu items is usable: last good feed kept",
                     f->n_dropped);
        set_status(s, SOURCE_ERROR, http, f ? CAUSE_UNUSABLE : CAUSE_INVALID,
                   f ? msg : "not a valid JSON Feed: last good feed kept");
        feed_destroy(f);
        free(sg.text);
        return false;
    }
    s->have_body = true;
    s->body_hash = hash_bytes(body, len);
    snprintf(msg, sizeof msg, "new feed with %zu items%s", f->n_items,
             s->signed_feeds ? ", signature verified" : "");
    if (s->signed_feeds)
        adopt_signature(s, &sg);
    publish(s, f, imagestore_collect(s->images, f), false);
    if (s->remote) {
        keep_feed(s, body, len);
        imagestore_prune(s->images);
    }
    set_status(s, SOURCE_OK, http, 0, msg);
    return true;
}

static void keep_validators(source *s, const fetch_response *r)
{
    snprintf(s->etag, sizeof s->etag, "%s", r->etag);
    snprintf(s->last_modified, sizeof s->last_modified, "%s", r->last_modified);
}

/* True when the server answered with a body, whatever it was: a feed
 * refused for its content (bad JSON, not a feed, no usable item, the wrong
 * type, too large) is the publisher's mistake, not the network's, so it is
 * polled again at the normal interval, not backed off, and a fix shows
 * within one poll. */
static bool poll_remote(source *s)
{
    fetch_request req = source_request(s, s->feed, FETCH_KIND_JSON, s->max_feed_bytes);
    req.etag = s->etag;
    req.last_modified = s->last_modified;
    fetch_response r;
    fetch *http = http_client(s);
    if (!http) {
        set_status(s, SOURCE_ERROR, 0, 99, "no HTTP client (libcurl failed to start)");
        return false;
    }
    fetch_get(http, &req, &r);
    bool answered = true;
    if (r.result == FETCH_NOT_MODIFIED) {
        imagestore_retry(s->images);
        set_status(s, SOURCE_UNCHANGED, r.http_status, 0, "not modified");
    } else if (r.result == FETCH_OK && s->have_body &&
               hash_bytes(r.body, r.len) == s->body_hash) {
        /* Same bytes (a server without validators, or one whose ETag changes
         * on every answer): no parse, and no disk write, which would wear an
         * SD card once a minute. New validators are kept in memory. */
        keep_validators(s, &r);
        imagestore_retry(s->images);
        set_status(s, SOURCE_UNCHANGED, r.http_status, 0, "unchanged");
    } else if (r.result == FETCH_OK) {
        char etag[sizeof s->etag], lm[sizeof s->last_modified];
        memcpy(etag, s->etag, sizeof etag);
        memcpy(lm, s->last_modified, sizeof lm);
        keep_validators(s, &r);
        if (!accept_body(s, r.body, r.len, r.http_status)) {
            /* The validators belong to the last good feed. */
            memcpy(s->etag, etag, sizeof etag);
            memcpy(s->last_modified, lm, sizeof lm);
        }
    } else if (r.result != FETCH_CANCELLED) {
        char msg[sizeof s->status.message];
        snprintf(msg, sizeof msg, "%s: %.200s", fetch_result_name(r.result), r.error);
        set_status(s, SOURCE_ERROR, r.http_status, (int)r.result + 1, msg);
        answered = r.result == FETCH_BAD_TYPE || r.result == FETCH_TOO_BIG;
    }
    fetch_response_free(&r);
    return answered;
}

/* The same file: mtime, size and inode unchanged. */
static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_size == b->st_size &&
           a->st_ino == b->st_ino;
}

static bool poll_local(source *s)
{
    const char *path = local_path(s);
    struct stat st, sig = sig_stat(s);
    char msg[sizeof s->status.message];
    if (stat(path, &st) != 0) {
        snprintf(msg, sizeof msg, "cannot read the file: %s", strerror(errno));
        set_status(s, SOURCE_ERROR, 0, CAUSE_FILE + errno, msg);
        s->have_stat = false;
        return false;
    }
    if (s->have_stat && same_file(&st, &s->last_stat) &&
        same_file(&sig, &s->last_sig_stat)) {
        /* Same file: a parse error found before stays the status. */
        bool bad = s->status.result == SOURCE_ERROR;
        if (!bad)
            imagestore_retry(s->images);
        snprintf(msg, sizeof msg, "%s", bad ? s->status.message : "unchanged");
        set_status(s, bad ? SOURCE_ERROR : SOURCE_UNCHANGED, 0, s->last_code, msg);
        return !bad;
    }
    s->last_stat = st;
    s->last_sig_stat = sig;
    s->have_stat = true;
    size_t len;
    char *body = read_file_capped(path, s->max_feed_bytes, &len);
    if (!body) {
        snprintf(msg, sizeof msg, "cannot read the file: %s", strerror(errno));
        set_status(s, SOURCE_ERROR, 0, CAUSE_FILE + errno, msg);
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
    struct timespec ts = now_deadline(ms);
    while (!s->stop && !s->poll_now)
        if (pthread_cond_timedwait(&s->cond, &s->mu, &ts) == ETIMEDOUT)
            break;
}

/* The feed there is before any request: the cached copy of a remote feed,
 * or the local file. */
static void read_first(source *s)
{
    if (s->remote)
        load_cached_feed(s);
    else
        poll_local(s);
}

static void *worker(void *arg)
{
    source *s = arg;
    if (s->start_on_worker)
        read_first(s);
    pthread_mutex_lock(&s->mu);
    /* A local feed was read once already by source_create. */
    if (!s->remote)
        sleep_ms(s, next_delay_ms(s, true));
    while (!s->stop) {
        s->poll_now = false;
        pthread_mutex_unlock(&s->mu);
        retry_save(s); /* before the poll, which then reports it */
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

static void fill_timing(source_timing *t)
{
    if (t->poll_ms <= 0)
        t->poll_ms = 1;
    if (t->backoff_base_ms <= 0)
        t->backoff_base_ms = t->poll_ms < BACKOFF_BASE_MS ? t->poll_ms : BACKOFF_BASE_MS;
    if (t->backoff_max_ms < t->backoff_base_ms)
        t->backoff_max_ms = t->backoff_base_ms;
}

static bool feed_setting_ok(const char *feed_setting, bool *remote)
{
    *remote = fetch_is_remote_url(feed_setting);
    if (!*feed_setting) {
        LOG_ERR("no feed configured");
        return false;
    }
    if (!*remote && strstr(feed_setting, "://") &&
        strncasecmp(feed_setting, "file://", 7) != 0) {
        LOG_ERR("feed %s: only http://, https://, file:// or a path", feed_setting);
        return false;
    }
    return true;
}

static void open_cache(source *s)
{
    char dir[1024];
    if (s->cache_dir[0])
        snprintf(dir, sizeof dir, "%s", s->cache_dir);
    else if (!cache_default_dir(dir, sizeof dir))
        dir[0] = '\0';
    s->cache = dir[0] ? cache_create(dir) : NULL;
    if (!s->cache)
        LOG_WARN("no usable cache directory: no offline copy, no remote images");
    imagestore_params p = {
        .feed = s->feed,
        .remote = s->remote,
        .logo = s->logo,
        .cache_dir = s->cache ? cache_dir(s->cache) : NULL,
        .ca_file = s->ca_file,
        .max_image_bytes = s->max_image_bytes,
        .max_image_pixels = s->max_image_pixels,
        .max_bytes_total = s->timing.max_image_bytes_total,
        .connect_timeout_ms = s->timing.connect_timeout_ms,
        .total_timeout_ms = s->timing.total_timeout_ms,
        .low_speed_time_s = s->timing.low_speed_time_s,
    };
    s->images = imagestore_create(&p, s->wake, s->ctx);
}

/* The blocklist file at path (NULL or "": none); NULL, after one log line,
 * when it cannot be read. */
static blocklist *load_blocklist(const char *path)
{
    if (!path || !*path)
        return NULL;
    size_t len;
    char *buf = read_file_capped(path, BLOCKLIST_MAX_BYTES, &len);
    if (!buf) {
        LOG_ERR("blocklist %s cannot be read (%s): not used", path,
                read_file_error(errno));
        return NULL;
    }
    blocklist *bl = blocklist_load(buf, len, path);
    free(buf);
    if (bl)
        LOG_INFO("blocklist %s: %zu terms", path, blocklist_count(bl));
    return bl;
}

source *source_create(const source_params *p, source_wake_fn wake, void *ctx)
{
    bool remote;
    if (!feed_setting_ok(p->feed ? p->feed : "", &remote))
        return NULL;
    source *s = xcalloc(1, sizeof *s);
    s->feed = xstrdup(p->feed);
    s->cache_dir = xstrdup(p->cache_dir);
    s->logo = xstrdup(p->logo);
    s->ca_file = xstrdup(p->ca_file);
    s->max_feed_bytes = p->max_feed_bytes;
    s->max_image_bytes = p->max_image_bytes;
    s->max_image_pixels = p->max_image_pixels;
    s->timing = p->timing;
    fill_timing(&s->timing);
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
    s->blocklist = load_blocklist(p->blocklist);
    open_signatures(s, p);
    open_cache(s);
    /* The logo, before any feed. */
    imagestore_take(s->images, imagestore_collect(s->images, NULL));
    s->start_on_worker = p->start_on_worker;
    if (!s->start_on_worker)
        read_first(s);
    if (pthread_create(&s->thread, NULL, worker, s) == 0) {
        s->thread_started = true;
    } else {
        LOG_ERR("cannot start the fetch thread: the feed will not be updated");
        if (s->start_on_worker)
            read_first(s);
    }
    return s;
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
    imagestore_drop(s->images, s->pending_map);
    imagestore_destroy(s->images);
    free(s->unsaved_body);
    free(s->sig_text);
    free(s->sig_where);
    fetch_destroy(s->fetch);
    cache_destroy(s->cache);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    free(s->feed);
    free(s->cache_dir);
    free(s->logo);
    free(s->ca_file);
    blocklist_destroy(s->blocklist);
    free(s);
}

feed *source_take_feed(source *s)
{
    pthread_mutex_lock(&s->mu);
    feed *f = s->pending;
    if (f) {
        imagestore_take(s->images, s->pending_map);
        s->pending = NULL;
        s->pending_map = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    return f;
}

/* Blocks until n polls have finished or the deadline passes. */
static bool wait_attempts_until(source *s, unsigned n, const struct timespec *deadline)
{
    pthread_mutex_lock(&s->mu);
    while (s->status.attempts < n)
        if (pthread_cond_timedwait(&s->cond, &s->mu, deadline) == ETIMEDOUT)
            break;
    bool done = s->status.attempts >= n;
    pthread_mutex_unlock(&s->mu);
    return done;
}

bool source_wait_attempts(source *s, unsigned n, int timeout_ms)
{
    struct timespec deadline = now_deadline(timeout_ms);
    return wait_attempts_until(s, n, &deadline);
}

void source_wait_first(source *s, int timeout_ms)
{
    struct timespec deadline = now_deadline(timeout_ms);
    if (wait_attempts_until(s, 1, &deadline))
        imagestore_wait_idle(s->images, &deadline);
}

bool source_wait_images(source *s, int timeout_ms)
{
    struct timespec deadline = now_deadline(timeout_ms);
    return imagestore_wait_idle(s->images, &deadline);
}

void source_poll_now(source *s)
{
    pthread_mutex_lock(&s->mu);
    s->poll_now = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

const char *source_result_name(source_result r)
{
    static const char *const names[] = {"none", "ok", "unchanged", "error"};
    return names[r];
}

int64_t source_feed_age(const source_status *st, int64_t now)
{
    if (st->last_success > 0 && !st->from_cache)
        return now - st->last_success;
    return st->cached_at > 0 ? now - st->cached_at : -1;
}

long source_jitter_ms(long ms, unsigned *seed)
{
    return ms * (900 + rand_r(seed) % 201) / 1000;
}

unsigned source_images_arrived(source *s)
{
    return imagestore_arrived(s->images);
}

const char *source_image_path(source *s, const char *url)
{
    return imagestore_path(s->images, url);
}

void source_get_status(source *s, source_status *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->status;
    out->unsaved = s->feed_unsaved;
    pthread_mutex_unlock(&s->mu);
    out->unsaved += imagestore_unsaved(s->images);
}
