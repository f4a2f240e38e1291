#define LOG_MODULE "fetch"
#include "fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch_reply.h"
#include "log.h"
#include "util.h"

struct fetch {
    CURL *curl;
};

/* What the callbacks see during one transfer: the request (its cancel
 * flag) and the response taken apart as it comes. */
typedef struct {
    const fetch_request *req;
    fetch_reply reply;
} transfer;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static bool global_ok;
static atomic_bool global_called; /* fetch_started's answer */

/* Through pthread_once, so from any thread: this libcurl is built
 * thread-safe (CURL_VERSION_THREADSAFE), and the init may come on a worker
 * while other threads run. */
static void global_init(void)
{
    atomic_store(&global_called, true);
    global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

bool fetch_started(void)
{
    return atomic_load(&global_called);
}

fetch *fetch_create(void)
{
    pthread_once(&global_once, global_init);
    if (!global_ok) {
        LOG_ERR("curl_global_init failed");
        return NULL;
    }
    CURL *curl = curl_easy_init();
    if (!curl) {
        LOG_ERR("curl_easy_init failed");
        return NULL;
    }
    fetch *f = xmalloc(sizeof *f);
    f->curl = curl;
    return f;
}

void fetch_destroy(fetch *f)
{
    if (!f)
        return;
    curl_easy_cleanup(f->curl);
    free(f);
}

void fetch_response_free(fetch_response *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

const char *fetch_result_name(fetch_result r)
{
    switch (r) {
    case FETCH_OK:
        return "ok";
    case FETCH_NOT_MODIFIED:
        return "not modified";
    case FETCH_HTTP_ERROR:
        return "HTTP error";
    case FETCH_TOO_BIG:
        return "too big";
    case FETCH_BAD_TYPE:
        return "wrong content type";
    case FETCH_BAD_URL:
        return "refused URL";
    case FETCH_TIMEOUT:
        return "timeout";
    case FETCH_NETWORK:
        return "network error";
    case FETCH_CANCELLED:
        return "cancelled";
    }
    return "?";
}

bool fetch_is_remote_url(const char *url)
{
    return url &&
           (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0);
}

/* The media type, lower-cased, without parameters or spaces. */
static void media_type(const char *ct, char *out, size_t out_size)
{
    size_t n = 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    for (; *ct && *ct != ';' && *ct != ' ' && n + 1 < out_size; ct++)
        out[n++] = (char)tolower((unsigned char)*ct);
    out[n] = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool fetch_type_ok(fetch_kind kind, const char *content_type)
{
    char t[128];
    if (!content_type || !*content_type || kind == FETCH_KIND_ANY)
        return true;
    media_type(content_type, t, sizeof t);
    if (!*t || strcmp(t, "application/octet-stream") == 0 ||
        strcmp(t, "binary/octet-stream") == 0)
        return true;
    if (kind == FETCH_KIND_JSON)
        return strcmp(t, "application/json") == 0 || strcmp(t, "text/json") == 0 ||
               ends_with(t, "+json") || strcmp(t, "text/plain") == 0;
    return strncmp(t, "image/", 6) == 0;
}

/* True when one of the first n bytes is a control character (CR, LF, NUL,
 * tab, DEL...): such a value would split a request header if sent back. */
static bool has_control(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return true;
    return false;
}

/* Copies a header value without surrounding spaces or the line's CR/LF.
 * An oversized value, or one with a control character inside, is dropped
 * (never cut or cleaned: a validator must come back byte for byte or not
 * at all). */
static void header_value(const char *v, size_t n, char *out, size_t out_size)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= out_size || has_control(v, n))
        n = 0;
    memcpy(out, v, n);
    out[n] = '\0';
}

/* A validator that may be sent back: present and free of control characters. */
static bool validator_ok(const char *v)
{
    return v && *v && !has_control(v, strlen(v));
}

static bool header_is(const char *line, size_t n, const char *name, const char **value,
                      size_t *vlen)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return false;
    *value = line + k + 1;
    *vlen = n - k - 1;
    return true;
}

/* The code of a status line ("HTTP/1.1 200 OK"), read within its n bytes:
 * curl's header lines are not NUL-terminated (strtol read past the line).
 * Blanks before it skipped, as strtol did; 0 when there is none. */
static int status_code(const char *line, size_t n)
{
    const char *sp = memchr(line, ' ', n);
    size_t i = sp ? (size_t)(sp - line) : n;
    int code = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    for (; i < n && isdigit((unsigned char)line[i]) && code < 100000; i++)
        code = code * 10 + (line[i] - '0');
    return code;
}

void fetch_reply_begin(fetch_reply *x, fetch_kind kind, size_t max_bytes,
                       fetch_response *resp)
{
    *x = (fetch_reply){.kind = kind, .resp = resp};
    x->cap = max_bytes ? max_bytes : FETCH_DEFAULT_MAX_BYTES;
    buf_init(&x->body, x->cap);
}

bool fetch_reply_header(fetch_reply *x, const char *line, size_t n)
{
    const char *v;
    size_t vlen;
    fetch_response *r = x->resp;
    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a redirect or 100): forget the last one's. */
        x->status = status_code(line, n);
        r->etag[0] = r->last_modified[0] = r->content_type[0] = '\0';
    } else if (header_is(line, n, "ETag", &v, &vlen)) {
        header_value(v, vlen, r->etag, sizeof r->etag);
    } else if (header_is(line, n, "Last-Modified", &v, &vlen)) {
        header_value(v, vlen, r->last_modified, sizeof r->last_modified);
    } else if (header_is(line, n, "Content-Type", &v, &vlen)) {
        header_value(v, vlen, r->content_type, sizeof r->content_type);
    } else if (header_is(line, n, "Content-Length", &v, &vlen) && x->status == 200) {
        char num[32];
        header_value(v, vlen, num, sizeof num);
        if (strtoull(num, NULL, 10) > x->cap) {
            x->too_big = true;
            return false; /* abort before any of the body comes */
        }
    }
    return true;
}

/* First block of a 200 body: the Content-Type is final now. */
static bool body_start_ok(fetch_reply *x)
{
    x->body_seen = true;
    if (!fetch_type_ok(x->kind, x->resp->content_type)) {
        x->bad_type = true;
        return false;
    }
    return true;
}

bool fetch_reply_body(fetch_reply *x, const char *data, size_t n)
{
    if (x->status != 200) {
        x->error_body = true;
        return false; /* an error page is not read */
    }
    if (!x->body_seen && !body_start_ok(x))
        return false;
    if (!buf_add(&x->body, data, n)) {
        x->too_big = true;
        return false;
    }
    return true;
}

/* The result from the reply's flags and status, the transport's outcome
 * second: an abort by a callback shows as a transport error. */
static fetch_result reply_result(const fetch_reply *x, fetch_result transport,
                                 const char *detail)
{
    fetch_response *r = x->resp;
    if (x->too_big || transport == FETCH_TOO_BIG) {
        snprintf(r->error, sizeof r->error, "response larger than %zu bytes", x->cap);
        return FETCH_TOO_BIG;
    }
    if (x->bad_type) {
        snprintf(r->error, sizeof r->error, "refused Content-Type \"%s\"",
                 r->content_type);
        return FETCH_BAD_TYPE;
    }
    if (x->error_body ||
        (transport == FETCH_OK && x->status != 200 && x->status != 304)) {
        snprintf(r->error, sizeof r->error, "HTTP status %d", x->status);
        return FETCH_HTTP_ERROR;
    }
    if (transport == FETCH_OK)
        return x->status == 304 ? FETCH_NOT_MODIFIED : FETCH_OK;
    snprintf(r->error, sizeof r->error, "%s",
             transport == FETCH_CANCELLED ? "cancelled" : detail);
    return transport;
}

fetch_result fetch_reply_end(fetch_reply *x, fetch_result transport, const char *detail)
{
    fetch_response *resp = x->resp;
    resp->result = reply_result(x, transport, detail ? detail : "");
    if (resp->result == FETCH_OK)
        resp->body = buf_take(&x->body, &resp->len);
    else
        fetch_response_free(resp);
    buf_free(&x->body);
    return resp->result;
}

static size_t on_header(char *line, size_t size, size_t nitems, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nitems;
    return fetch_reply_header(&t->reply, line, n) ? n : 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    return fetch_reply_body(&t->reply, data, n) ? n : 0;
}

static long positive_or(long v, long dflt)
{
    return v > 0 ? v : dflt;
}

static struct curl_slist *request_headers(const fetch_request *req)
{
    struct curl_slist *h = NULL;
    char line[512];
    bool etag = validator_ok(req->etag);
    if (etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", req->etag);
        h = curl_slist_append(h, line);
    }
    /* A server must ignore If-Modified-Since next to If-None-Match (RFC 9110
     * 13.1.3): sending it too would only cost bytes on every poll. */
    if (!etag && validator_ok(req->last_modified)) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", req->last_modified);
        h = curl_slist_append(h, line);
    }
    if (req->kind == FETCH_KIND_JSON)
        h = curl_slist_append(
            h, "Accept: application/feed+json, application/json, */*;q=0.1");
    else if (req->kind == FETCH_KIND_IMAGE)
        h = curl_slist_append(h, "Accept: image/*");
    return h;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const transfer *t = userdata;
    return t->req->cancel && atomic_load(t->req->cancel) ? 1 : 0;
}

bool fetch_resolve_url(const char *base, const char *ref, char *out, size_t out_size)
{
    pthread_once(&global_once, global_init);
    CURLU *u = curl_url();
    if (!u)
        abort();
    char *full = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
              curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK;
    ok = ok && fetch_is_remote_url(full) && strlen(full) < out_size;
    if (ok)
        memcpy(out, full, strlen(full) + 1);
    curl_free(full);
    curl_url_cleanup(u);
    return ok;
}

static void set_options(CURL *c, const fetch_request *req, transfer *t, char *errbuf,
                        struct curl_slist *headers)
{
    long total = positive_or(req->total_timeout_ms, 30000);
    long low = positive_or(req->low_speed_time_s, 20);
    if (low * 1000 > total)
        low = total / 1000 > 0 ? total / 1000 : 1;
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    /* An https URL is never redirected to plain http: that would drop TLS
     * silently (a hijacked redirect could serve anything). */
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
                     strncasecmp(req->url, "https://", 8) == 0 ? "https" : "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (req->ca_file && *req->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     positive_or(req->connect_timeout_ms, 10000));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)FETCH_LOW_SPEED_BYTES);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, low);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->reply.cap);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "signage-player/" SIGNAGE_VERSION);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
}

/* What curl's outcome alone says (the reply's flags come first). */
static fetch_result transport_result(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK:
        return FETCH_OK;
    case CURLE_FILESIZE_EXCEEDED:
        return FETCH_TOO_BIG;
    case CURLE_ABORTED_BY_CALLBACK:
        return FETCH_CANCELLED;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_TOO_MANY_REDIRECTS:
        return FETCH_BAD_URL;
    case CURLE_OPERATION_TIMEDOUT:
        return FETCH_TIMEOUT;
    default:
        return FETCH_NETWORK;
    }
}

/* A URL fetch never requests: *resp says so. */
static bool url_refused(const fetch_request *req, fetch_response *resp)
{
    if (fetch_is_remote_url(req->url))
        return false;
    resp->result = FETCH_BAD_URL;
    snprintf(resp->error, sizeof resp->error, "only http and https URLs are fetched");
    return true;
}

/* Sets c up for req (every option in set_options), with t bound to req and
 * resp. Returns the header list, to free after the transfer. */
static struct curl_slist *transfer_begin(CURL *c, const fetch_request *req,
                                         fetch_response *resp, transfer *t, char *errbuf)
{
    t->req = req;
    fetch_reply_begin(&t->reply, req->kind, req->max_bytes, resp);
    errbuf[0] = '\0';
    struct curl_slist *headers = request_headers(req);
    curl_easy_reset(c);
    set_options(c, req, t, errbuf, headers);
    return headers;
}

/* After the transfer: status, sizes and the result; the body is kept only
 * on FETCH_OK (never NULL then). */
static fetch_result transfer_end(CURL *c, CURLcode rc, transfer *t, const char *errbuf)
{
    fetch_response *resp = t->reply.resp;
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    resp->http_status = (int)code;
    long header_bytes = 0, request_bytes = 0;
    curl_off_t body_bytes = 0;
    curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_bytes);
    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes);
    curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &body_bytes);
    resp->bytes_sent = request_bytes;
    resp->bytes_received = header_bytes + (long)body_bytes;
    return fetch_reply_end(&t->reply, transport_result(rc),
                           errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/* The POST's own options and headers, after fetch_get's (h). */
static struct curl_slist *post_options(CURL *c, struct curl_slist *h,
                                       const fetch_upload *up)
{
    char line[512];
    snprintf(line, sizeof line, "Content-Type: %s", up->content_type);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    if (up->bearer && *up->bearer) {
        size_t n = strlen(up->bearer) + 32;
        char *auth = xmalloc(n);
        snprintf(auth, n, "Authorization: Bearer %s", up->bearer);
        h = curl_slist_append(h, auth);
        free(auth);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)up->len);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, up->body);
    return h;
}

/* One transfer on f's handle: a GET, or with up a POST. */
static fetch_result perform(fetch *f, const fetch_request *req, const fetch_upload *up,
                            fetch_response *resp)
{
    memset(resp, 0, sizeof *resp);
    if (url_refused(req, resp))
        return resp->result;
    if (up && up->bearer && has_control(up->bearer, strlen(up->bearer))) {
        resp->result = FETCH_BAD_URL; /* it would split a header line */
        snprintf(resp->error, sizeof resp->error, "the token holds a control character");
        return resp->result;
    }
    transfer t;
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *headers = transfer_begin(f->curl, req, resp, &t, errbuf);
    if (up)
        headers = post_options(f->curl, headers, up);
    CURLcode rc = curl_easy_perform(f->curl);
    curl_slist_free_all(headers);
    return transfer_end(f->curl, rc, &t, errbuf);
}

fetch_result fetch_get(fetch *f, const fetch_request *req, fetch_response *resp)
{
    return perform(f, req, NULL, resp);
}

fetch_result fetch_post(fetch *f, const fetch_request *req, const fetch_upload *up,
                        fetch_response *resp)
{
    fetch_result r = perform(f, req, up, resp);
    if (r == FETCH_HTTP_ERROR && resp->http_status / 100 == 2) {
        resp->result = r = FETCH_OK; /* a 2xx without a body read (204...) */
        resp->error[0] = '\0';
        resp->body = xstrdup("");
    }
    return r;
}

/* ---- several transfers at once ---- */

/* One transfer of a fetch_multi. The request's strings are copies, so the
 * caller's may go away; t points at req and resp, so slots never move. */
typedef struct {
    CURL *curl;
    bool busy; /* added and not yet handed back */
    bool done; /* finished: resp holds the result */
    fetch_request req;
    char *url, *etag, *last_modified, *ca_file;
    fetch_response resp;
    transfer t;
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *headers;
    void *tag;
} multi_slot;

struct fetch_multi {
    CURLM *multi;
    size_t n;
    multi_slot *slots;
};

fetch_multi *fetch_multi_create(size_t max_parallel)
{
    pthread_once(&global_once, global_init);
    if (!global_ok) {
        LOG_ERR("curl_global_init failed");
        return NULL;
    }
    max_parallel = max_parallel ? max_parallel : 1;
    fetch_multi *m = xcalloc(1, sizeof *m);
    multi_slot *slots = xcalloc(max_parallel, sizeof *slots);
    m->slots = slots;
    m->n = max_parallel;
    m->multi = curl_multi_init();
    for (size_t i = 0; m->multi && i < m->n; i++)
        if (!(slots[i].curl = curl_easy_init()))
            break;
    if (!m->multi || !slots[m->n - 1].curl) {
        LOG_ERR("curl_multi_init failed");
        fetch_multi_destroy(m);
        return NULL;
    }
    return m;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Hands the slot back: the copies freed, the handle out of the multi. */
static void slot_clear(fetch_multi *m, multi_slot *s)
{
    if (s->busy && !s->done)
        curl_multi_remove_handle(m->multi, s->curl);
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    free(s->url);
    free(s->etag);
    free(s->last_modified);
    free(s->ca_file);
    s->url = s->etag = s->last_modified = s->ca_file = NULL;
    s->busy = s->done = false;
}

void fetch_multi_destroy(fetch_multi *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        multi_slot *s = &m->slots[i];
        if (s->busy)
            fetch_response_free(&s->resp);
        slot_clear(m, s);
        if (s->curl)
            curl_easy_cleanup(s->curl);
    }
    if (m->multi)
        curl_multi_cleanup(m->multi);
    free(m->slots);
    free(m);
}

size_t fetch_multi_running(const fetch_multi *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++)
        n += m->slots[i].busy;
    return n;
}

bool fetch_multi_add(fetch_multi *m, const fetch_request *req, void *tag)
{
    multi_slot *s = NULL;
    for (size_t i = 0; i < m->n && !s; i++)
        if (!m->slots[i].busy)
            s = &m->slots[i];
    if (!s)
        return false;
    s->req = *req;
    s->req.url = s->url = dup_or_null(req->url);
    s->req.etag = s->etag = dup_or_null(req->etag);
    s->req.last_modified = s->last_modified = dup_or_null(req->last_modified);
    s->req.ca_file = s->ca_file = dup_or_null(req->ca_file);
    s->tag = tag;
    s->busy = true;
    memset(&s->resp, 0, sizeof s->resp);
    if (url_refused(&s->req, &s->resp)) {
        s->done = true;
        return true;
    }
    s->headers = transfer_begin(s->curl, &s->req, &s->resp, &s->t, s->errbuf);
    if (curl_multi_add_handle(m->multi, s->curl) != CURLM_OK) {
        s->resp.result = FETCH_NETWORK;
        snprintf(s->resp.error, sizeof s->resp.error, "curl_multi_add_handle failed");
        s->done = true;
    }
    return true;
}

/* Marks the transfers libcurl reports finished as done. */
static void reap(fetch_multi *m)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        for (size_t i = 0; i < m->n; i++) {
            multi_slot *s = &m->slots[i];
            if (s->busy && !s->done && s->curl == msg->easy_handle) {
                CURLcode rc = msg->data.result;
                curl_multi_remove_handle(m->multi, s->curl);
                transfer_end(s->curl, rc, &s->t, s->errbuf);
                s->done = true;
                break;
            }
        }
    }
}

static multi_slot *first_done(fetch_multi *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->slots[i].done)
            return &m->slots[i];
    return NULL;
}

bool fetch_multi_wait(fetch_multi *m, int timeout_ms, fetch_response *resp, void **tag)
{
    int running;
    multi_slot *s = first_done(m);
    if (!s) {
        curl_multi_perform(m->multi, &running);
        reap(m);
        s = first_done(m);
    }
    if (!s) {
        curl_multi_poll(m->multi, NULL, 0, timeout_ms, NULL);
        curl_multi_perform(m->multi, &running);
        reap(m);
        s = first_done(m);
    }
    if (!s)
        return false;
    *resp = s->resp;
    *tag = s->tag;
    memset(&s->resp, 0, sizeof s->resp);
    slot_clear(m, s);
    return true;
}

void fetch_multi_wakeup(fetch_multi *m)
{
    curl_multi_wakeup(m->multi);
}
