/* fuzz_http: a raw HTTP response (status line, header lines, a blank line,
 * the body) through fetch_reply, the code fetch's libcurl callbacks call,
 * then, as source does with a feed it fetched, through feed_parse and
 * blocklist_apply (fuzz_feed_check). Header lines go one at a time with
 * their line ends (as curl hands them over; a status line right after the
 * blank line starts the next response, as after a redirect or a 100), the
 * body in blocks whose size comes from the input; the body cap is small for
 * odd input sizes so that the cap is reached. A callback's abort ends the
 * transfer as curl would (a write error). Checked: a result matches the
 * status (200 or 304), a body never passes the cap, kept validators hold no
 * control character. A broken promise aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_reply.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL_CAP 512

/* Header lines up to the blank line; returns where the body starts, or
 * SIZE_MAX when a header aborted the transfer. */
static size_t feed_headers(fetch_reply *x, const char *d, size_t n)
{
    size_t at = 0;
    while (at < n) {
        const char *nl = memchr(d + at, '\n', n - at);
        size_t len = nl ? (size_t)(nl - (d + at)) + 1 : n - at;
        if (!fetch_reply_header(x, d + at, len))
            return SIZE_MAX;
        bool blank = len <= 2 && (d[at] == '\n' || d[at] == '\r');
        at += len;
        if (blank && !(n - at > 5 && memcmp(d + at, "HTTP/", 5) == 0))
            break; /* the last response's headers end: its body follows */
    }
    return at;
}

static bool feed_body(fetch_reply *x, const char *d, size_t n, size_t block)
{
    for (size_t at = 0; at < n; at += block) {
        size_t len = n - at < block ? n - at : block;
        if (!fetch_reply_body(x, d + at, len))
            return false;
    }
    return true;
}

static bool clean(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || *v == 0x7f)
            return false;
    return true;
}

static void check(const fetch_reply *x, const fetch_response *r)
{
    if ((r->result == FETCH_OK) != (r->body != NULL) || r->len > x->cap ||
        (r->result == FETCH_OK && x->status != 200) ||
        (r->result == FETCH_NOT_MODIFIED && x->status != 304) || !clean(r->etag) ||
        !clean(r->last_modified) || !memchr(r->error, '\0', sizeof r->error))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *d = (const char *)data;
    fetch_response r;
    fetch_reply x;
    memset(&r, 0, sizeof r);
    fetch_reply_begin(&x, FETCH_KIND_JSON, size & 1 ? SMALL_CAP : 0, &r);
    size_t body = feed_headers(&x, d, size);
    bool done =
        body != SIZE_MAX && feed_body(&x, d + body, size - body, 1 + (size * 31 % 2048));
    fetch_reply_end(&x, done ? FETCH_OK : FETCH_NETWORK, "write error");
    r.http_status = x.status;
    check(&x, &r);
    if (r.result == FETCH_OK)
        fuzz_feed_check(r.body, r.len);
    fetch_response_free(&r);
    return 0;
}
