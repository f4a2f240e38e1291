/* fetch: one HTTP(S) GET with libcurl, done carefully. Blocking: call it
 * from a worker thread (source.c), never from the render loop.
 *
 * What every request gets:
 *   - only http and https, on redirects too (file://, ftp://... refused),
 *     at most FETCH_MAX_REDIRECTS redirects; an https URL is redirected
 *     only to https (a downgrade to http is refused as FETCH_BAD_URL);
 *   - TLS verification always on; an optional CA file;
 *   - gzip/deflate accepted (Accept-Encoding), decoded by libcurl; the size
 *     cap applies to the decoded bytes;
 *   - a connect timeout, a total timeout and a low-speed limit (less than
 *     FETCH_LOW_SPEED_BYTES per second for low_speed_time seconds aborts);
 *   - a response size cap checked on Content-Length before the body and
 *     again on every received block (the transfer is aborted at the cap,
 *     the body is never held past it);
 *   - conditional GET when validators are given (If-None-Match,
 *     If-Modified-Since); a 304 returns FETCH_NOT_MODIFIED with no body;
 *     a validator with a control character (CR, LF...) is neither kept
 *     from a response nor sent, so it can never add a request header;
 *   - User-Agent "signage-player/<SIGNAGE_VERSION>";
 *   - proxy variables (http_proxy, https_proxy, no_proxy) honoured, as
 *     libcurl does by default.
 * A fetch handle keeps its connection alive between requests; a
 * fetch_multi runs several such transfers at once from one thread. */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define FETCH_MAX_REDIRECTS 5
#define FETCH_LOW_SPEED_BYTES 64 /* per second, see above */

typedef enum {
    FETCH_KIND_ANY,   /* no Content-Type check */
    FETCH_KIND_JSON,  /* refuses a type that is plainly not JSON */
    FETCH_KIND_IMAGE, /* refuses a type that is plainly not an image */
} fetch_kind;

typedef struct {
    const char *url;
    const char *etag;          /* sent as If-None-Match; NULL or "" = none */
    const char *last_modified; /* If-Modified-Since, only when there is no etag */
    fetch_kind kind;
    size_t max_bytes;        /* response cap; 0 = FETCH_DEFAULT_MAX_BYTES */
    long connect_timeout_ms; /* 0 = 10 s */
    long total_timeout_ms;   /* 0 = 30 s */
    long low_speed_time_s;   /* 0 = 20 s (or the total timeout if shorter) */
    const char *ca_file;     /* NULL or "" = the system's CA store */
    atomic_bool *cancel;     /* may be NULL; set it to abort (within ~1 s) */
} fetch_request;

#define FETCH_DEFAULT_MAX_BYTES (8 * 1024 * 1024)

typedef enum {
    FETCH_OK,           /* 200, body in the response */
    FETCH_NOT_MODIFIED, /* 304 */
    FETCH_HTTP_ERROR,   /* any other final status (see http_status) */
    FETCH_TOO_BIG,      /* Content-Length or received bytes over the cap */
    FETCH_BAD_TYPE,     /* Content-Type refused for this kind */
    FETCH_BAD_URL,      /* unsupported scheme or malformed URL, redirect too */
    FETCH_TIMEOUT,      /* connect, total or low-speed timeout */
    FETCH_NETWORK,      /* DNS, connection refused, TLS, truncated body... */
    FETCH_CANCELLED,    /* the cancel flag was set */
} fetch_result;

typedef struct {
    fetch_result result;
    int http_status; /* 0 when no response came */
    char *body;      /* FETCH_OK only: malloc'd, NUL-terminated */
    size_t len;      /* body bytes */
    char etag[256];  /* validators from the response, "" if none */
    char last_modified[128];
    char content_type[128];
    char error[256];     /* one line saying what went wrong, "" if OK */
    long bytes_sent;     /* request headers on the wire (last request) */
    long bytes_received; /* response headers + body bytes as received */
} fetch_response;

typedef struct fetch fetch;

/* A handle for one thread (libcurl easy handles are not shared). Calls
 * curl_global_init once per process (as do fetch_multi_create and
 * fetch_resolve_url): that loads and sets up TLS (about 2 MB of memory), so
 * callers make their handles when the first remote URL is to be fetched. */
fetch *fetch_create(void);
void fetch_destroy(fetch *f);

/* True once curl_global_init has been called in this process (whether it
 * succeeded or not). For tests: a player that fetches nothing remote never
 * starts libcurl. */
bool fetch_started(void);

/* Performs one GET. Always fills *resp (free it with fetch_response_free);
 * returns resp->result. */
fetch_result fetch_get(fetch *f, const fetch_request *req, fetch_response *resp);
void fetch_response_free(fetch_response *resp);

/* What a POST sends: the body, its type, and an optional bearer token. */
typedef struct {
    const void *body;
    size_t len;
    const char *content_type; /* e.g. "application/json" */
    const char *bearer;       /* sent as "Authorization: Bearer <bearer>"; NULL or
                                 "" = none; refused with a control character */
} fetch_upload;

/* Performs one POST of up->body to req->url with fetch_get's options, caps
 * and timeouts, except that redirects are not followed (a 3xx is
 * FETCH_HTTP_ERROR: a report never follows a redirect with its token).
 * Any 2xx is FETCH_OK; only a 200's body is read (capped at max_bytes),
 * other 2xx come back with an empty body. The token is never logged nor
 * put in resp->error. */
fetch_result fetch_post(fetch *f, const fetch_request *req, const fetch_upload *up,
                        fetch_response *resp);

/* Short English name of a result, e.g. "timeout". */
const char *fetch_result_name(fetch_result r);

/* Resolves ref (absolute or relative URL) against base into out. False
 * when the result is not an http(s) URL or does not fit. */
bool fetch_resolve_url(const char *base, const char *ref, char *out, size_t out_size);

/* True for http:// and https:// URLs (scheme case-insensitive). */
bool fetch_is_remote_url(const char *url);

/* The Content-Type check on its own: true when a response of this type may
 * be read as `kind`. NULL or "" (missing) is accepted. A test seam: the
 * table of types is tested without a server. */
bool fetch_type_ok(fetch_kind kind, const char *content_type);

/* Several transfers at once from one thread (libcurl multi), each with the
 * same options, caps and its own deadlines as fetch_get. Not thread-safe
 * except fetch_multi_wakeup. */
typedef struct fetch_multi fetch_multi;

/* At most max_parallel transfers run at a time (0 counts as 1). NULL
 * (logged) when libcurl fails to start. */
fetch_multi *fetch_multi_create(size_t max_parallel);
/* Aborts the transfers still running. */
void fetch_multi_destroy(fetch_multi *m);

/* Starts a GET of req (its strings are copied); tag comes back with the
 * result. False when max_parallel transfers are running already. A URL
 * fetch_get would refuse finishes at once as FETCH_BAD_URL. */
bool fetch_multi_add(fetch_multi *m, const fetch_request *req, void *tag);

/* Transfers added and not yet handed back by fetch_multi_wait. */
size_t fetch_multi_running(const fetch_multi *m);

/* Moves the transfers on, waiting up to timeout_ms for one to finish (or
 * for fetch_multi_wakeup). True with *resp (free it with
 * fetch_response_free) and its *tag when one has finished. With nothing
 * running it just waits. */
bool fetch_multi_wait(fetch_multi *m, int timeout_ms, fetch_response *resp, void **tag);

/* From any thread: a fetch_multi_wait in progress (or the next one)
 * returns at once. */
void fetch_multi_wakeup(fetch_multi *m);
