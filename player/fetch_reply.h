/* fetch_reply: the response side of fetch (implemented in fetch.c), apart
 * from fetch.h because it holds a buf. A response taken apart as it
 * arrives, without libcurl: the curl callbacks of fetch_get and
 * fetch_multi call these, and tests/fuzz/fuzz_http.c feeds raw responses
 * through the same code. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fetch.h"

typedef struct {
    fetch_kind kind;
    fetch_response *resp; /* validators and Content-Type land here */
    size_t cap;           /* body bytes at most */
    buf body;             /* capped at cap; handed to resp on FETCH_OK */
    int status;           /* of the current (last) response */
    bool too_big;         /* aborted at the cap */
    bool bad_type;        /* aborted on Content-Type */
    bool body_seen;       /* first body block checked */
    bool error_body;      /* aborted while draining a non-200 body */
} fetch_reply;

/* max_bytes 0 = FETCH_DEFAULT_MAX_BYTES. resp is filled by the calls below. */
void fetch_reply_begin(fetch_reply *x, fetch_kind kind, size_t max_bytes,
                       fetch_response *resp);

/* One header line as received (with its CR LF; a status line starts a new
 * response). False: abort the transfer (Content-Length over the cap). */
bool fetch_reply_header(fetch_reply *x, const char *line, size_t n);

/* One block of the body. False: abort (not a 200, a refused Content-Type,
 * or the cap passed). */
bool fetch_reply_body(fetch_reply *x, const char *data, size_t n);

/* After the transfer: resp->result and resp->error from the reply's flags,
 * then the transport's outcome (FETCH_OK when the transfer completed, else
 * FETCH_TOO_BIG, FETCH_CANCELLED, FETCH_BAD_URL, FETCH_TIMEOUT or
 * FETCH_NETWORK, with detail its message). The body is kept only on
 * FETCH_OK (never NULL then). Leaves resp->http_status alone. Returns
 * resp->result. */
fetch_result fetch_reply_end(fetch_reply *x, fetch_result transport, const char *detail);
