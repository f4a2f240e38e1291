/* fetch and source against a real HTTP server on 127.0.0.1
 * (tests/http_server.py), with short timeouts. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "config.h"
#include "fetch.h"
#include "fetch_reply.h"
#include "image.h"
#include "log.h"
#include "params.h"
#include "source.h"
#include "test.h"
#include "util.h"

extern char **environ;

static pid_t server_pid;
static int server_stdin = -1;
static int port;
static int tls_port; /* 0: no openssl, TLS tests skipped */
static char tls_cert[256];

/* Starts the server (on `want_port`, 0 = any) and reads its ports; with
 * tls_dir it serves HTTPS too. */
static bool server_start(int want_port, const char *tls_dir)
{
    int out[2], in[2];
    if (pipe(out) != 0 || pipe(in) != 0)
        return false;
    char port_arg[16];
    snprintf(port_arg, sizeof port_arg, "%d", want_port);
    char *argv[] = {"python3",       TEST_SOURCE_DIR "/tests/http_server.py",
                    "--stdin-stop",  "--lifetime",
                    "120",           "--port",
                    port_arg,        tls_dir ? "--tls" : NULL,
                    (char *)tls_dir, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    int rc = posix_spawnp(&server_pid, "python3", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(in[0]);
    if (rc != 0) {
        close(out[0]);
        close(in[1]);
        return false;
    }
    server_stdin = in[1];
    FILE *fp = fdopen(out[0], "r");
    char line[64] = "";
    bool ok = fp && fgets(line, sizeof line, fp) && sscanf(line, "PORT %d", &port) == 1;
    char tls_line[400] = "";
    if (ok && tls_dir && fgets(tls_line, sizeof tls_line, fp))
        sscanf(tls_line, "TLS %d %255s", &tls_port, tls_cert);
    if (fp)
        fclose(fp);
    return ok;
}

static void server_stop(void)
{
    if (server_stdin < 0)
        return;
    close(server_stdin); /* the server exits when its stdin closes */
    server_stdin = -1;
    waitpid(server_pid, NULL, 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void url_for(char *out, size_t n, const char *path)
{
    snprintf(out, n, "http://127.0.0.1:%d%.200s", port, path);
}

static fetch_result get(fetch *f, const char *path, fetch_kind kind, const char *etag,
                        const char *lm, fetch_response *r)
{
    char url[256];
    url_for(url, sizeof url, path);
    fetch_request req = {.url = url,
                         .etag = etag,
                         .last_modified = lm,
                         .kind = kind,
                         .connect_timeout_ms = 1000,
                         .total_timeout_ms = 1500};
    return fetch_get(f, &req, r);
}

static void control(fetch *f, const char *query)
{
    char path[200];
    fetch_response r;
    snprintf(path, sizeof path, "/control?%.180s", query);
    CHECKF(get(f, path, FETCH_KIND_ANY, NULL, NULL, &r) == FETCH_OK, "control %s", query);
    fetch_response_free(&r);
}

/* A number from /control/stats: a top-level key, or counts[path]. */
static int stat_of(fetch *f, const char *key, const char *path)
{
    fetch_response r;
    int v = -1;
    if (get(f, "/control/stats", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_OK) {
        cJSON *j = cJSON_Parse(r.body);
        cJSON *o = cJSON_GetObjectItem(j, key);
        if (path)
            o = cJSON_GetObjectItem(o, path);
        v = cJSON_IsNumber(o) ? o->valueint : 0;
        cJSON_Delete(j);
    }
    fetch_response_free(&r);
    return v;
}

/* A string from /control/stats into out. */
static void stat_str(fetch *f, const char *key, char *out, size_t n)
{
    fetch_response r;
    out[0] = '\0';
    if (get(f, "/control/stats", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_OK) {
        cJSON *j = cJSON_Parse(r.body);
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(j, key));
        snprintf(out, n, "%s", v ? v : "");
        cJSON_Delete(j);
    }
    fetch_response_free(&r);
}

/* A port with nothing listening. */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* ---- fetch on its own ---- */

static void test_fetch_basics(fetch *f)
{
    fetch_response r;
    CHECK(get(f, "/mode/ok.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_OK);
    CHECK(r.http_status == 200);
    CHECK(strcmp(r.etag, "\"v1\"") == 0);
    CHECK(r.last_modified[0] != '\0');
    CHECKF(r.body && r.body[0] == '{' && strstr(r.body, "Test feed v1"), "body: %.40s",
           r.body ? r.body : "(null)");
    CHECK(r.body && r.len == strlen(r.body));
    char lm[128];
    snprintf(lm, sizeof lm, "%s", r.last_modified);
    fetch_response_free(&r);
    CHECK(stat_of(f, "gzipped", NULL) >= 1); /* the body above came gzipped */
    char ua[128];
    stat_str(f, "user_agent", ua, sizeof ua);
    CHECKF(strcmp(ua, "signage-player/" SIGNAGE_VERSION) == 0, "User-Agent %s", ua);

    CHECK(get(f, "/mode/ok.json", FETCH_KIND_JSON, "\"v1\"", NULL, &r) ==
          FETCH_NOT_MODIFIED);
    CHECK(r.http_status == 304 && r.body == NULL);
    fetch_response_free(&r);
    CHECK(get(f, "/mode/ok.json", FETCH_KIND_JSON, NULL, lm, &r) == FETCH_NOT_MODIFIED);
    fetch_response_free(&r);
    CHECK(get(f, "/mode/ok.json", FETCH_KIND_JSON, "\"old\"", NULL, &r) == FETCH_OK);
    fetch_response_free(&r);
}

static void test_fetch_failures(fetch *f)
{
    fetch_response r;
    CHECK(get(f, "/mode/500.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_HTTP_ERROR);
    CHECK(r.http_status == 500 && r.body == NULL);
    CHECK(get(f, "/mode/404.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_HTTP_ERROR);
    CHECK(r.http_status == 404);

    double t0 = now_s();
    CHECK(get(f, "/mode/stall.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_TIMEOUT);
    CHECKF(now_s() - t0 < 3.0, "stall took %.1f s", now_s() - t0);
    CHECK(r.body == NULL);

    CHECKF(get(f, "/mode/truncated.json", FETCH_KIND_JSON, NULL, NULL, &r) ==
               FETCH_NETWORK,
           "truncated: %s", r.error);

    t0 = now_s();
    CHECK(get(f, "/mode/huge.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_TOO_BIG);
    CHECK(get(f, "/mode/hugestream.json", FETCH_KIND_JSON, NULL, NULL, &r) ==
          FETCH_TOO_BIG);
    CHECKF(get(f, "/mode/gzipbomb.json", FETCH_KIND_JSON, NULL, NULL, &r) ==
               FETCH_TOO_BIG,
           "gzip bomb: %s %s", fetch_result_name(r.result), r.error);
    CHECKF(now_s() - t0 < 3.0, "100 MiB bodies took %.1f s to refuse", now_s() - t0);
    CHECK(r.body == NULL && r.len == 0);

    CHECKF(get(f, "/mode/redirect.json", FETCH_KIND_JSON, NULL, NULL, &r) ==
               FETCH_BAD_URL,
           "redirect to file://: %s", r.error);
    CHECK(r.body == NULL);
    fetch_request req = {.url = "file:///etc/passwd"};
    CHECK(fetch_get(f, &req, &r) == FETCH_BAD_URL);
    req.url = "ftp://127.0.0.1/feed.json";
    CHECK(fetch_get(f, &req, &r) == FETCH_BAD_URL);

    CHECK(get(f, "/mode/html.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_BAD_TYPE);
    CHECK(get(f, "/img/htmltype.png", FETCH_KIND_IMAGE, NULL, NULL, &r) ==
          FETCH_BAD_TYPE);
    CHECK(get(f, "/img/good.png", FETCH_KIND_IMAGE, NULL, NULL, &r) == FETCH_OK);
    CHECK(r.len > 50 && memcmp(r.body, "\x89PNG", 4) == 0);
    fetch_response_free(&r);

    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.json", dead_port());
    req.url = url;
    CHECK(fetch_get(f, &req, &r) == FETCH_NETWORK);
    CHECK(r.http_status == 0 && r.error[0]);
}

static void test_fetch_helpers(void)
{
    CHECK(fetch_type_ok(FETCH_KIND_JSON, NULL));
    CHECK(fetch_type_ok(FETCH_KIND_JSON, "application/feed+json; charset=utf-8"));
    CHECK(fetch_type_ok(FETCH_KIND_JSON, "Application/JSON"));
    CHECK(fetch_type_ok(FETCH_KIND_JSON, "text/plain"));
    CHECK(!fetch_type_ok(FETCH_KIND_JSON, "text/html; charset=utf-8"));
    CHECK(!fetch_type_ok(FETCH_KIND_JSON, "image/png"));
    CHECK(fetch_type_ok(FETCH_KIND_IMAGE, "image/webp"));
    CHECK(!fetch_type_ok(FETCH_KIND_IMAGE, "text/html"));
    char out[256];
    CHECK(fetch_resolve_url("http://h:1/a/feed.json", "img/x.png", out, sizeof out) &&
          strcmp(out, "http://h:1/a/img/x.png") == 0);
    CHECK(fetch_resolve_url("http://h/a/feed.json", "/x.png", out, sizeof out) &&
          strcmp(out, "http://h/x.png") == 0);
    CHECK(!fetch_resolve_url("http://h/a/feed.json", "file:///etc/passwd", out,
                             sizeof out));
    CHECK(fetch_is_remote_url("HTTPS://x") && !fetch_is_remote_url("file:///x"));
}

/* TLS is verified: a self-signed server fails, its certificate as the CA
 * file makes it pass. */
/* fetch_reply on header lines as curl hands them over: not NUL-terminated
 * (each copied to a buffer of exactly its length, so ASan sees a read past
 * it). A status line cut after its code once made strtol read on. */
static bool reply_line(fetch_reply *x, const char *line)
{
    size_t n = strlen(line);
    char *exact = xmalloc(n);
    memcpy(exact, line, n);
    bool ok = fetch_reply_header(x, exact, n);
    free(exact);
    return ok;
}

static void test_fetch_reply(void)
{
    fetch_response r = {0};
    fetch_reply x;
    fetch_reply_begin(&x, FETCH_KIND_JSON, 100, &r);
    CHECK(reply_line(&x, "HTTP/1.1 301"));
    CHECK(x.status == 301);
    CHECK(reply_line(&x, "HTTP/1.1 200"));
    CHECK(x.status == 200);
    CHECK(reply_line(&x, "ETag: \"v1\"\r\n"));
    CHECK(reply_line(&x, "Content-Type: application/json"));
    CHECK(!reply_line(&x, "Content-Length: 101\r\n")); /* over the cap of 100 */
    CHECK(fetch_reply_end(&x, FETCH_NETWORK, "write error") == FETCH_TOO_BIG);
    CHECK(strcmp(r.etag, "\"v1\"") == 0 && r.body == NULL);

    fetch_reply_begin(&x, FETCH_KIND_JSON, 100, &r);
    CHECK(reply_line(&x, "HTTP/2 200\r\n"));
    CHECK(fetch_reply_body(&x, "{}", 2));
    CHECK(fetch_reply_end(&x, FETCH_OK, "") == FETCH_OK);
    CHECK(r.len == 2 && strcmp(r.body, "{}") == 0);
    fetch_response_free(&r);
}

static void test_fetch_tls(fetch *f)
{
    if (!tls_port) {
        printf("test_fetch: TLS checks skipped: openssl could not make a certificate\n");
        return;
    }
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/mode/ok.json", tls_port);
    fetch_request req = {.url = url, .kind = FETCH_KIND_JSON, .total_timeout_ms = 3000};
    fetch_response r;
    CHECKF(fetch_get(f, &req, &r) == FETCH_NETWORK, "self-signed accepted: %s", r.error);
    req.ca_file = tls_cert;
    CHECKF(fetch_get(f, &req, &r) == FETCH_OK, "with its CA file: %s", r.error);
    CHECK(r.body && strstr(r.body, "Test feed"));
    fetch_response_free(&r);
    req.ca_file = "/nonexistent/ca.pem";
    CHECK(fetch_get(f, &req, &r) != FETCH_OK);
}

/* http_proxy is honoured: a host that does not resolve is reached through
 * the test server acting as the proxy. */
static void test_fetch_proxy(fetch *f)
{
    char proxy[64];
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", port);
    setenv("http_proxy", proxy, 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    fetch_request req = {.url = "http://feeds.example.invalid/mode/ok.json",
                         .kind = FETCH_KIND_JSON,
                         .total_timeout_ms = 3000};
    fetch_response r;
    CHECKF(fetch_get(f, &req, &r) == FETCH_OK, "through the proxy: %s", r.error);
    fetch_response_free(&r);
    unsetenv("http_proxy");
    char host[128];
    stat_str(f, "last_host", host, sizeof host);
    CHECKF(strcmp(host, "feeds.example.invalid") == 0, "Host %s", host);
}

/* A CR inside an ETag is neither kept nor sent back: it would add a
 * request header of the server's choosing (issue 8, item 7). */
static void test_fetch_crlf_validator(fetch *f)
{
    fetch_response r;
    CHECK(get(f, "/mode/crlfetag.json", FETCH_KIND_JSON, NULL, NULL, &r) == FETCH_OK);
    CHECKF(r.etag[0] == '\0', "ETag with a CR kept: %s", r.etag);
    fetch_response_free(&r);
    int injected = stat_of(f, "injected", NULL);
    get(f, "/mode/ok.json", FETCH_KIND_JSON, "\"abc\"\rX-Injected: 1", NULL, &r);
    fetch_response_free(&r);
    get(f, "/mode/ok.json", FETCH_KIND_JSON, NULL, "x\nX-Injected: 1", &r);
    fetch_response_free(&r);
    CHECKF(stat_of(f, "injected", NULL) == injected, "a header was injected");
}

/* An https URL is not followed to plain http; http may go to https
 * (issue 8, item 8). Images go through the same options. */
static void test_fetch_no_downgrade(fetch *f)
{
    if (!tls_port) {
        printf("test_fetch: redirect checks skipped: no TLS server\n");
        return;
    }
    char url[128];
    fetch_request req = {.url = url, .ca_file = tls_cert, .total_timeout_ms = 3000};
    fetch_response r;
    snprintf(url, sizeof url, "https://127.0.0.1:%d/mode/tohttp.json", tls_port);
    CHECKF(fetch_get(f, &req, &r) == FETCH_BAD_URL, "https to http followed: %s",
           fetch_result_name(r.result));
    fetch_response_free(&r);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/img/tohttp.png", tls_port);
    req.kind = FETCH_KIND_IMAGE;
    CHECKF(fetch_get(f, &req, &r) == FETCH_BAD_URL, "image https to http followed: %s",
           fetch_result_name(r.result));
    fetch_response_free(&r);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/mode/tohttps.json", port);
    req.kind = FETCH_KIND_JSON;
    CHECKF(fetch_get(f, &req, &r) == FETCH_OK, "http to https refused: %s", r.error);
    fetch_response_free(&r);
}

/* fetch_multi: transfers run side by side, each with its own deadline; a
 * quick one is not held back by hanging ones; the caps still apply. */
static void test_fetch_multi(void)
{
    fetch_multi *m = fetch_multi_create(4);
    CHECK(m != NULL);
    if (!m)
        return;
    static const char *const paths[] = {"/img/hang-m1.png", "/img/hang-m2.png",
                                        "/img/hang-m3.png", "/img/good.png"};
    char url[4][256];
    double t0 = now_s();
    for (int i = 0; i < 4; i++) {
        url_for(url[i], sizeof url[i], paths[i]);
        fetch_request req = {.url = url[i],
                             .kind = FETCH_KIND_IMAGE,
                             .total_timeout_ms = 1500,
                             .low_speed_time_s = 1};
        CHECK(fetch_multi_add(m, &req, (void *)(intptr_t)i));
    }
    fetch_request extra = {.url = "file:///etc/passwd"};
    CHECK(!fetch_multi_add(m, &extra, NULL)); /* four run already */
    CHECK(fetch_multi_running(m) == 4);
    int done = 0, timeouts = 0;
    double good_at = 0;
    while (done < 4 && now_s() - t0 < 10) {
        fetch_response r;
        void *tag;
        if (!fetch_multi_wait(m, 1000, &r, &tag))
            continue;
        done++;
        if ((intptr_t)tag == 3) {
            good_at = now_s() - t0;
            CHECK(r.result == FETCH_OK && r.len > 50 && !memcmp(r.body, "\x89PNG", 4));
        } else {
            timeouts += r.result == FETCH_TIMEOUT;
        }
        fetch_response_free(&r);
    }
    double all = now_s() - t0;
    CHECKF(done == 4 && timeouts == 3, "%d done, %d timeouts", done, timeouts);
    CHECKF(good_at > 0 && good_at < 1.0, "the good image came after %.2f s", good_at);
    CHECKF(all < 2.8, "three 1.5 s deadlines side by side took %.2f s", all);
    CHECK(fetch_multi_running(m) == 0);
    /* Refused URL, size cap, redirect out of http(s). */
    char huge[256], redir[256];
    url_for(huge, sizeof huge, "/mode/huge.json");
    url_for(redir, sizeof redir, "/mode/redirect.json");
    fetch_request reqs[] = {
        {.url = "file:///etc/passwd"}, {.url = huge, .max_bytes = 1000}, {.url = redir}};
    for (int i = 0; i < 3; i++)
        CHECK(fetch_multi_add(m, &reqs[i], (void *)(intptr_t)i));
    static const fetch_result want[] = {FETCH_BAD_URL, FETCH_TOO_BIG, FETCH_BAD_URL};
    for (done = 0; done < 3 && now_s() - t0 < 15;) {
        fetch_response r;
        void *tag;
        if (!fetch_multi_wait(m, 1000, &r, &tag))
            continue;
        done++;
        CHECKF(r.result == want[(intptr_t)tag] && !r.body, "multi %d: %s",
               (int)(intptr_t)tag, fetch_result_name(r.result));
        fetch_response_free(&r);
    }
    CHECK(done == 3);
    /* Destroyed with a transfer hanging: returns at once. */
    fetch_request hang = {.url = url[0], .kind = FETCH_KIND_IMAGE};
    CHECK(fetch_multi_add(m, &hang, NULL));
    fetch_response r;
    void *tag;
    fetch_multi_wait(m, 100, &r, &tag);
    t0 = now_s();
    fetch_multi_destroy(m);
    CHECKF(now_s() - t0 < 1.0, "destroy took %.2f s", now_s() - t0);
}

/* ---- source ---- */

static atomic_int wakes;
static int good_png_before; /* requests for good.png before the source ran */

static void on_wake(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&wakes, 1);
}

static const source_timing quick = {
    .poll_ms = 60000, /* polls are driven with source_poll_now */
    .backoff_base_ms = 60000,
    .backoff_max_ms = 60000,
    .connect_timeout_ms = 1000,
    .total_timeout_ms = 1500,
    .low_speed_time_s = 1,
    .no_jitter = true,
};

/* The source the player would make from cfg, with the timing t. */
static source *start_source(const config *cfg, const source_timing *t,
                            source_wake_fn wake, void *ctx)
{
    source_params p = params_source(cfg);
    p.timing = *t;
    return source_create(&p, wake, ctx);
}

static void make_config(config *cfg, const char *cache_dir, int feed_port)
{
    config_defaults(cfg);
    snprintf(cfg->feed, sizeof cfg->feed, "http://127.0.0.1:%d/feed.json", feed_port);
    snprintf(cfg->cache_dir, sizeof cfg->cache_dir, "%s", cache_dir);
    cfg->logo[0] = '\0';
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

/* Polls once more and waits for it, without waiting for its images;
 * returns the status. */
static source_status poll_only(source *s)
{
    source_status st;
    source_get_status(s, &st);
    source_poll_now(s);
    CHECK(source_wait_attempts(s, st.attempts + 1, 10000));
    source_get_status(s, &st);
    return st;
}

/* Polls once more and waits for it and for the image downloads it
 * started; returns the status. */
static source_status poll_once(source *s)
{
    source_status st = poll_only(s);
    CHECK(source_wait_images(s, 10000));
    return st;
}

static bool title_is(const feed *f, const char *title)
{
    return f && f->title && strcmp(f->title, title) == 0;
}

static bool file_exists(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

/* 200, then 304, then a new ETag; images fetched once and checked. */
static void test_source_updates(fetch *f, source *s, const char *dir)
{
    CHECK(source_take_feed(s) == NULL); /* empty cache: nothing at once */
    CHECK(source_wait_attempts(s, 1, 10000));
    CHECK(source_wait_images(s, 10000));
    source_status st;
    source_get_status(s, &st);
    CHECKF(st.result == SOURCE_OK && st.http_status == 200, "%d %d %s", st.result,
           st.http_status, st.message);
    CHECK(!st.from_cache && st.last_success > 0);
    feed *fd = source_take_feed(s);
    CHECK(title_is(fd, "Test feed v1"));
    CHECK(source_take_feed(s) == NULL);
    CHECK(atomic_load(&wakes) >= 1);
    const char *img = fd && fd->n_items ? source_image_path(s, fd->items[0].image) : NULL;
    CHECKF(img && strncmp(img, dir, strlen(dir)) == 0 && strstr(img, "/images/img-"),
           "image path %s", img ? img : "-");
    SDL_Surface *surf = img ? image_load(img, 0, 640, 640) : NULL;
    CHECK(surf && surf->w == 640 && surf->h == 480);
    SDL_FreeSurface(surf);
    feed_destroy(fd);
    CHECK(file_exists(dir, "feed"));

    int nm = stat_of(f, "not_modified", NULL);
    st = poll_once(s);
    CHECKF(st.result == SOURCE_UNCHANGED && st.http_status == 304, "%d %d", st.result,
           st.http_status);
    CHECK(stat_of(f, "not_modified", NULL) == nm + 1);
    CHECK(source_take_feed(s) == NULL);

    control(f, "bump=1");
    st = poll_once(s);
    CHECK(st.result == SOURCE_OK && st.http_status == 200);
    fd = source_take_feed(s);
    CHECK(title_is(fd, "Test feed v2"));
    CHECK(fd && source_image_path(s, fd->items[0].image) != NULL);
    feed_destroy(fd);
    int got = stat_of(f, "counts", "/img/good.png") - good_png_before;
    CHECKF(got == 1, "good.png fetched %d times", got);
}

/* Every kind of bad answer: an error status, no new feed, the last good one
 * still valid afterwards (the next good poll is a 304). */
static void test_source_failures(fetch *f, source *s, const char *dir)
{
    static const struct {
        const char *mode;
        int http;
    } cases[] = {{"500", 500},       {"404", 404},     {"stall", 200},
                 {"truncated", 200}, {"huge", 200},    {"hugestream", 200},
                 {"invalid", 200},   {"notfeed", 200}, {"redirect", 302},
                 {"html", 200},      {"gzipbomb", 200}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char q[64];
        snprintf(q, sizeof q, "mode=%s", cases[i].mode);
        control(f, q);
        control(f, "bump=1"); /* a changed feed would be taken if it were good */
        double t0 = now_s();
        source_status st = poll_once(s);
        CHECKF(st.result == SOURCE_ERROR, "%s: result %d", cases[i].mode, st.result);
        CHECKF(st.http_status == cases[i].http, "%s: HTTP %d", cases[i].mode,
               st.http_status);
        CHECKF(now_s() - t0 < 4.0, "%s took %.1f s", cases[i].mode, now_s() - t0);
        CHECKF(st.message[0], "%s: no message", cases[i].mode);
        feed *fd = source_take_feed(s);
        CHECKF(fd == NULL, "%s published a feed", cases[i].mode);
        feed_destroy(fd);
    }
    control(f, "mode=ok");
    source_status st = poll_once(s);
    CHECK(st.result == SOURCE_OK); /* the version moved on meanwhile */
    feed *fd = source_take_feed(s);
    CHECK(fd && fd->title && strstr(fd->title, "Test feed v"));
    feed_destroy(fd);
    st = poll_once(s);
    CHECK(st.result == SOURCE_UNCHANGED && st.http_status == 304);

    /* No validators, same bytes: unchanged, not parsed, not written. */
    char path[1200];
    struct stat before, after;
    snprintf(path, sizeof path, "%s/feed", dir);
    CHECK(stat(path, &before) == 0);
    control(f, "mode=novalid");
    st = poll_once(s);
    CHECKF(st.result == SOURCE_UNCHANGED && st.http_status == 200, "novalid: %d %d",
           st.result, st.http_status);
    CHECK(source_take_feed(s) == NULL);
    CHECK(stat(path, &after) == 0 && after.st_ino == before.st_ino &&
          after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    control(f, "mode=ok");
}

/* A feed whose items are all unusable (a CMS writing "guid" for "id") is
 * refused whole: the last good feed stays, in memory and in the cache. A
 * valid feed with no items empties the screen (issue 8, item 3). */
static void test_source_no_valid_items(fetch *f, source *s, const char *dir)
{
    char path[1200];
    struct stat before, after;
    snprintf(path, sizeof path, "%s/feed", dir);
    CHECK(stat(path, &before) == 0);
    control(f, "mode=guid");
    control(f, "bump=1");
    source_status st = poll_once(s);
    CHECKF(st.result == SOURCE_ERROR && strstr(st.message, "usable"), "guid: %d %s",
           st.result, st.message);
    CHECK(source_take_feed(s) == NULL);
    CHECK(stat(path, &after) == 0 && after.st_ino == before.st_ino);
    control(f, "mode=empty");
    st = poll_once(s);
    feed *fd = source_take_feed(s);
    CHECKF(st.result == SOURCE_OK && fd && fd->n_items == 0, "empty: %d %s", st.result,
           st.message);
    feed_destroy(fd);
    CHECK(stat(path, &after) == 0 && after.st_ino != before.st_ino); /* written */
    control(f, "mode=ok");
    poll_once(s);
    feed_destroy(source_take_feed(s));
}

/* A feed whose images are bad: the items stay, without images. */
static void test_source_bad_images(fetch *f, source *s)
{
    control(f, "images=notimage.png,bomb.png,htmltype.png");
    control(f, "bump=1");
    source_status st = poll_once(s);
    CHECK(st.result == SOURCE_OK);
    feed *fd = source_take_feed(s);
    CHECK(fd && fd->n_items == 3);
    for (size_t i = 0; fd && i < fd->n_items; i++) {
        CHECK(fd->items[i].image != NULL);
        CHECKF(source_image_path(s, fd->items[i].image) == NULL, "%s has a path",
               fd->items[i].image);
    }
    feed_destroy(fd);
    /* The feed taken before (still on screen in the app) keeps its image. */
    char good[128];
    url_for(good, sizeof good, "/img/good.png");
    const char *kept = source_image_path(s, good);
    struct stat sb;
    CHECK(kept && stat(kept, &sb) == 0);
    control(f, "images=good.png,missing.png,good2.png");
    control(f, "bump=1");
    poll_once(s);
    fd = source_take_feed(s);
    CHECK(fd && source_image_path(s, fd->items[0].image) != NULL);
    CHECK(fd && source_image_path(s, fd->items[1].image) == NULL);
    CHECK(fd && source_image_path(s, fd->items[2].image) != NULL);
    feed_destroy(fd);

    /* Once no recent feed uses good.png, its file is pruned. */
    char good_path[1400];
    const char *p = source_image_path(s, good);
    snprintf(good_path, sizeof good_path, "%s", p ? p : "");
    control(f, "images=good2.png");
    for (int i = 0; i < 4; i++) {
        control(f, "bump=1");
        poll_once(s);
        feed_destroy(source_take_feed(s));
    }
    CHECK(good_path[0] && stat(good_path, &sb) != 0);
    CHECK(source_image_path(s, good) == NULL);

    /* An image that fails (503) is tried again at the next good polls and
     * appears without a new feed. */
    control(f, "images=flaky.png");
    control(f, "bump=1");
    poll_once(s);
    fd = source_take_feed(s);
    CHECK(fd && fd->n_items == 3);
    char flaky[128];
    url_for(flaky, sizeof flaky, "/img/flaky.png");
    CHECK(source_image_path(s, flaky) == NULL);
    source_status fst = poll_once(s); /* 304, the retry gets 503 again */
    CHECK(fst.result == SOURCE_UNCHANGED && source_image_path(s, flaky) == NULL);
    int before_wakes = atomic_load(&wakes);
    poll_once(s); /* 304, the retry works */
    const char *fixed = source_image_path(s, flaky);
    CHECKF(fixed && stat(fixed, &sb) == 0, "flaky image %s", fixed ? fixed : "-");
    CHECK(atomic_load(&wakes) > before_wakes);
    CHECK(stat_of(f, "counts", "/img/flaky.png") == 3);
    feed_destroy(fd);

    /* A remote feed: a relative URL is resolved against the feed URL; local
     * files are never read, whatever the spelling. */
    control(f, "images=raw:img/good2.png,raw:file:///etc/passwd,raw:/etc/passwd");
    control(f, "bump=1");
    poll_once(s);
    fd = source_take_feed(s);
    CHECK(fd && fd->n_items == 3);
    if (fd && fd->n_items == 3) {
        const char *rel = source_image_path(s, fd->items[0].image);
        CHECKF(rel && strstr(rel, "/img-"), "relative image: %s", rel ? rel : "-");
        CHECK(source_image_path(s, fd->items[1].image) == NULL);
        CHECK(source_image_path(s, fd->items[2].image) == NULL);
    }
    feed_destroy(fd);
    control(f, "images=good.png");
}

/* The server is gone: the cached feed comes at once, polls fail, and when
 * the cache file is damaged it is moved aside. */
static void test_source_offline(const char *dir, int old_port)
{
    config cfg;
    make_config(&cfg, dir, old_port);
    source *s = start_source(&cfg, &quick, NULL, NULL);
    CHECK(s != NULL);
    feed *fd = source_take_feed(s); /* before any attempt */
    CHECKF(fd && fd->title && strstr(fd->title, "Test feed v"), "cached feed missing");
    CHECK(fd && fd->n_items == 3 && source_image_path(s, fd->items[0].image) != NULL);
    source_status st;
    source_get_status(s, &st);
    CHECK(st.from_cache); /* the first poll may have failed already: still true */
    CHECK(source_wait_attempts(s, 1, 10000));
    source_get_status(s, &st);
    CHECKF(st.result == SOURCE_ERROR && st.http_status == 0, "offline: %d %s", st.result,
           st.message);
    CHECK(st.from_cache);
    CHECK(source_take_feed(s) == NULL);
    feed_destroy(fd);
    source_destroy(s);

    /* Cut the cache file in half. */
    char path[1200];
    snprintf(path, sizeof path, "%s/feed", dir);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && truncate(path, sb.st_size / 2) == 0);
    unsigned problems = log_problem_count();
    s = start_source(&cfg, &quick, NULL, NULL);
    CHECK(source_take_feed(s) == NULL);
    CHECK(file_exists(dir, "feed.bad") && !file_exists(dir, "feed"));
    CHECK(log_problem_count() > problems);
    source_destroy(s);
}

static void test_source_no_cache_offline(const char *dir)
{
    config cfg;
    make_config(&cfg, dir, dead_port());
    source *s = start_source(&cfg, &quick, NULL, NULL);
    CHECK(s && source_take_feed(s) == NULL);
    CHECK(s && source_wait_attempts(s, 1, 10000));
    source_status st;
    source_get_status(s, &st);
    CHECK(st.result == SOURCE_ERROR && !st.from_cache && st.last_success == 0);
    CHECK(source_take_feed(s) == NULL);
    source_destroy(s);
}

/* Backoff with the server down: waits grow 200, 400, 800, 800 ms. */
static void test_source_backoff(const char *dir)
{
    config cfg;
    make_config(&cfg, dir, dead_port());
    source_timing t = quick;
    t.poll_ms = 200;
    t.backoff_base_ms = 200;
    t.backoff_max_ms = 800;
    source *s = start_source(&cfg, &t, NULL, NULL);
    double at[6];
    for (unsigned i = 1; i <= 5; i++) {
        CHECK(source_wait_attempts(s, i, 5000));
        at[i] = now_s();
    }
    source_destroy(s);
    double d2 = at[2] - at[1], d3 = at[3] - at[2], d4 = at[4] - at[3], d5 = at[5] - at[4];
    /* Lower bounds are exact (the waits are deadlines); upper bounds leave
     * room for a loaded machine. */
    CHECKF(d2 > 0.18 && d2 < 0.6, "first wait %.3f", d2);
    CHECKF(d3 > 0.38 && d3 < 0.9, "second wait %.3f", d3);
    CHECKF(d4 > 0.78 && d4 < 1.5, "third wait %.3f", d4);
    CHECKF(d5 > 0.78 && d5 < 1.5, "capped wait %.3f", d5);
}

/* A feed refused for its content is the publisher's mistake: polled again
 * at the normal interval, never backed off, so a fix shows within a poll. */
static void test_source_refused_no_backoff(fetch *f, const char *dir)
{
    control(f, "mode=invalid");
    config cfg;
    make_config(&cfg, dir, port);
    source_timing t = quick;
    t.poll_ms = 200;
    t.backoff_base_ms = 2000;
    t.backoff_max_ms = 4000;
    source *s = start_source(&cfg, &t, NULL, NULL);
    CHECK(source_wait_attempts(s, 1, 5000));
    double t0 = now_s();
    CHECK(source_wait_attempts(s, 3, 5000));
    double d = now_s() - t0;
    source_status st;
    source_get_status(s, &st);
    CHECK(st.result == SOURCE_ERROR);
    /* Two more polls at 200 ms (+-10%) each; a backoff would take 6 s. */
    CHECKF(d > 0.35 && d < 1.9, "two polls took %.2f s", d);
    source_destroy(s);
    control(f, "mode=ok");
}

/* A lasting failure is logged when it starts and at the 10th poll, not at
 * every poll; the count is in the line. Runs in a child that logs to a file. */
static int fail_twelve_times(void *arg)
{
    const char *dir = arg;
    config cfg;
    make_config(&cfg, dir, dead_port());
    source_timing t = quick;
    t.poll_ms = 10;
    t.backoff_base_ms = 10;
    t.backoff_max_ms = 20;
    source *s = start_source(&cfg, &t, NULL, NULL);
    bool ok = source_wait_attempts(s, 12, 10000);
    source_destroy(s);
    return ok ? 0 : 1;
}

static void test_source_no_flood(const char *dir)
{
    char log_path[1200];
    snprintf(log_path, sizeof log_path, "%s/flood.log", dir);
    CHECK(test_in_child(fail_twelve_times, (void *)dir, 30, log_path) == 0);
    char *log = test_read_file(log_path, NULL);
    int lines = 0;
    for (const char *p = log ? log : ""; (p = strstr(p, "feed.json: ")); p++)
        lines++;
    CHECKF(lines == 2, "%d lines for 12 failed polls:\n%s", lines, log ? log : "");
    CHECK(log && strstr(log, "still failing, 10 times"));
    free(log);
}

/* Destroying a source while a fetch hangs returns quickly. */
static void test_source_cancel(fetch *f, const char *dir)
{
    control(f, "mode=stall");
    config cfg;
    make_config(&cfg, dir, port);
    source_timing t = quick;
    t.total_timeout_ms = 20000;
    t.low_speed_time_s = 20;
    source *s = start_source(&cfg, &t, NULL, NULL);
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    double t0 = now_s();
    source_destroy(s);
    CHECKF(now_s() - t0 < 2.5, "destroy took %.1f s", now_s() - t0);
    control(f, "mode=ok");
}

/* start_on_worker (the app's start): the cached feed is read on the worker
 * before its first request, so it comes while that request hangs. */
static void test_source_cache_on_worker(fetch *f, const char *dir)
{
    control(f, "mode=stall");
    config cfg;
    make_config(&cfg, dir, port);
    source_params p = params_source(&cfg);
    p.timing = quick;
    p.timing.total_timeout_ms = 20000;
    p.timing.low_speed_time_s = 20;
    p.start_on_worker = true;
    double t0 = now_s();
    source *s = source_create(&p, NULL, NULL);
    feed *fd = NULL;
    while (s && !fd && now_s() - t0 < 5) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
        fd = source_take_feed(s);
    }
    CHECKF(fd && fd->title && strstr(fd->title, "Test feed v"),
           "no cached feed while the request hangs (%.1f s)", now_s() - t0);
    source_status st;
    if (s)
        source_get_status(s, &st);
    CHECK(s && st.from_cache && st.attempts == 0);
    feed_destroy(fd);
    source_destroy(s);
    control(f, "mode=ok");
}

static void test_source_local(const char *dir)
{
    char path[1200], url[1300];
    snprintf(path, sizeof path, "%s/local.json", dir);
#define LOCAL_DOC                                                                        \
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"L%d\","               \
    "\"items\":[{\"id\":\"1\",\"content_text\":\"x\",\"image\":\"pic.png\"},"            \
    "{\"id\":\"2\",\"content_text\":\"y\",\"image\":\"file:///nonexistent/x.png\"}]}"
    char text[512], pic[1300];
    snprintf(pic, sizeof pic, "%s/pic.png", dir);
    write_text(pic, "any bytes: only image_load looks inside");
    snprintf(text, sizeof text, LOCAL_DOC, 1);
    write_text(path, text);
    config cfg;
    make_config(&cfg, dir, 1);
    snprintf(url, sizeof url, "file://%s", path);
    for (int pass = 0; pass < 2; pass++) {
        snprintf(cfg.feed, sizeof cfg.feed, "%s", pass ? url : path);
        source *s = start_source(&cfg, &quick, NULL, NULL);
        feed *fd = source_take_feed(s); /* read synchronously */
        CHECK(title_is(fd, pass ? "L2" : "L1"));
        /* Local images: relative to the feed file's folder, as they are. */
        const char *img = source_image_path(s, "pic.png");
        CHECKF(img && strcmp(img, pic) == 0, "local image %s", img ? img : "-");
        CHECK(source_image_path(s, "file:///nonexistent/x.png") == NULL);
        feed_destroy(fd);
        source_status st;
        source_get_status(s, &st);
        CHECK(st.result == SOURCE_OK && st.attempts == 1);
        st = poll_once(s);
        CHECK(st.result == SOURCE_UNCHANGED && source_take_feed(s) == NULL);
        snprintf(text, sizeof text, LOCAL_DOC, 22);
        write_text(path, text);
        st = poll_once(s);
        fd = source_take_feed(s);
        CHECK(st.result == SOURCE_OK && title_is(fd, "L22"));
        feed_destroy(fd);
        write_text(path, "{not json");
        st = poll_once(s);
        CHECK(st.result == SOURCE_ERROR && source_take_feed(s) == NULL);
        st = poll_once(s); /* the same bad file: still an error, not re-read */
        CHECK(st.result == SOURCE_ERROR);
        snprintf(text, sizeof text, LOCAL_DOC, 2);
        write_text(path, text);
        source_destroy(s);
    }
    snprintf(cfg.feed, sizeof cfg.feed, "ftp://127.0.0.1/feed.json");
    CHECK(start_source(&cfg, &quick, NULL, NULL) == NULL);
}

/* Past the per-feed byte cap for images, the rest go without: the cache on
 * the SD card stays bounded. */
static void test_source_image_budget(fetch *f, const char *dir)
{
    config cfg;
    make_config(&cfg, dir, port);
    source_timing t = quick;
    t.max_image_bytes_total = 1; /* the first image passes it */
    control(f, "images=good.png,good2.png");
    control(f, "bump=1");
    source *s = start_source(&cfg, &t, NULL, NULL);
    CHECK(s && source_wait_attempts(s, 1, 10000) && source_wait_images(s, 10000));
    feed *fd = s ? source_take_feed(s) : NULL;
    CHECK(fd && fd->n_items == 3);
    /* They download together: whichever came first is kept. */
    CHECK(fd && (source_image_path(s, fd->items[0].image) != NULL) +
                        (source_image_path(s, fd->items[1].image) != NULL) ==
                    1);
    feed_destroy(fd);
    source_destroy(s);
    control(f, "images=good.png");
    control(f, "bump=1");
}

/* A feed is handed over at once whatever its images do: four that hang
 * and one that is slow (issue 8, item 2). They download side by side, the
 * slow one arrives by itself, and a poll meanwhile is not held back. */
static void test_source_hanging_images(fetch *f, const char *dir)
{
    config cfg;
    make_config(&cfg, dir, port);
    source_timing t = quick;
    t.total_timeout_ms = 3000;
    t.low_speed_time_s = 3;
    control(f, "images=slow-1.png,hang-1.png,hang-2.png,hang-3.png,hang-4.png");
    control(f, "urgent=1");
    control(f, "bump=1");
    int wakes_before = atomic_load(&wakes);
    double t0 = now_s();
    source *s = start_source(&cfg, &t, on_wake, NULL);
    CHECK(source_wait_attempts(s, 1, 20000));
    double handed = now_s() - t0;
    feed *fd = source_take_feed(s);
    CHECKF(fd && fd->n_items == 5 && handed < 1.5, "the feed came after %.2f s", handed);
    for (size_t i = 0; fd && i < fd->n_items; i++)
        CHECK(source_image_path(s, fd->items[i].image) == NULL);
    unsigned arrived = source_images_arrived(s);
    double p0 = now_s();
    source_status st = poll_only(s);
    CHECKF(st.result == SOURCE_UNCHANGED && now_s() - p0 < 1.5, "poll took %.2f s",
           now_s() - p0);
    while (source_images_arrived(s) == arrived && now_s() - t0 < 5) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    CHECK(source_images_arrived(s) != arrived);
    CHECK(fd && fd->n_items == 5 && source_image_path(s, fd->items[0].image) != NULL);
    CHECK(atomic_load(&wakes) > wakes_before);
    /* Four deadlines side by side: one deadline (plus the slow second), not
     * four after one another. */
    CHECK(source_wait_images(s, 15000));
    CHECKF(now_s() - t0 < 7.0, "the images took %.2f s", now_s() - t0);
    CHECK(fd && fd->n_items == 5 && source_image_path(s, fd->items[1].image) == NULL);
    /* The next poll tries them again; destroying then does not wait. */
    poll_only(s);
    double d0 = now_s();
    source_destroy(s);
    CHECKF(now_s() - d0 < 1.5, "destroy took %.2f s", now_s() - d0);
    feed_destroy(fd);
    control(f, "images=good.png");
    control(f, "urgent=0");
    control(f, "bump=1");
}

/* Images live in cache_dir/images and only the player's own files there
 * are pruned: a user's files in a shared cache_dir stay, whatever their
 * names. An image an older version left in cache_dir itself moves into
 * the subdirectory instead of being downloaded again (issue 8, item 10). */
static void test_source_own_files(fetch *f, const char *dir)
{
    char good[256], name[32], path[1200], sub[1200];
    url_for(good, sizeof good, "/img/good.png");
    cache_name_for_url(good, "img-", name, sizeof name);
    cache *c = cache_create(dir);
    fetch_response r;
    CHECK(c && get(f, "/img/good.png", FETCH_KIND_IMAGE, NULL, NULL, &r) == FETCH_OK);
    CHECK(c && r.body && cache_write(c, name, r.body, r.len));
    fetch_response_free(&r);
    cache_destroy(c);
    static const char *const theirs[] = {"img-0123456789abcdef", "img-photo",
                                         "holiday.jpg"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, theirs[i]);
        write_text(path, "a user's own file");
    }
    control(f, "images=good.png");
    control(f, "bump=1");
    int fetched = stat_of(f, "counts", "/img/good.png");
    config cfg;
    make_config(&cfg, dir, port);
    source *s = start_source(&cfg, &quick, NULL, NULL);
    CHECK(source_wait_attempts(s, 1, 10000) && source_wait_images(s, 10000));
    feed *fd = source_take_feed(s);
    const char *img = fd ? source_image_path(s, fd->items[0].image) : NULL;
    snprintf(sub, sizeof sub, "%s/images", dir);
    CHECKF(img && strncmp(img, sub, strlen(sub)) == 0, "image at %s", img ? img : "-");
    CHECK(file_exists(sub, name) && !file_exists(dir, name));
    CHECKF(stat_of(f, "counts", "/img/good.png") == fetched, "moved image downloaded");
    feed_destroy(fd);
    char bad[1300];
    snprintf(bad, sizeof bad, "%s/img-00000000000000aa.bad", sub);
    write_text(bad, "a damaged image the cache moved aside");
    control(f, "images=good2.png");
    for (int i = 0; i < 4; i++) {
        control(f, "bump=1");
        poll_once(s);
        feed_destroy(source_take_feed(s));
    }
    CHECK(!file_exists(sub, name)); /* the player's own files are pruned */
    CHECK(!file_exists(sub, "img-00000000000000aa.bad"));
    for (size_t i = 0; i < 3; i++)
        CHECKF(file_exists(dir, theirs[i]), "%s was deleted", theirs[i]);
    source_destroy(s);
    control(f, "images=good.png");
}

/* True when the cached feed file holds `text`. */
static bool cached_feed_has(const char *dir, const char *text)
{
    char path[1200];
    size_t len;
    snprintf(path, sizeof path, "%s/feed", dir);
    char *data = read_file_capped(path, 1 << 20, &len);
    bool has = data && strstr(data + CACHE_HEADER_SIZE, text);
    free(data);
    return has;
}

/* Fills the file system of dir: true when a write then fails for space. */
static bool fill_disk(const char *file)
{
    static char block[65536];
    FILE *fp = fopen(file, "w");
    if (!fp)
        return false;
    setvbuf(fp, NULL, _IONBF, 0);
    size_t chunk = sizeof block;
    while (chunk >= 512)
        if (fwrite(block, 1, chunk, fp) != chunk)
            chunk /= 2;
    bool full = errno == ENOSPC;
    fclose(fp);
    return full;
}

/* A full disk: the new feed is shown but not saved, its image is not
 * saved; both are written, and said so, once there is room again
 * (issue 8, item 14). The disk is a 1 MiB tmpfs (root only). */
static void test_source_disk_full(fetch *f, const char *base)
{
    char dir[256], filler[300], title[64];
    snprintf(dir, sizeof dir, "%s/small", base);
    mkdir(dir, 0755);
    if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") != 0) {
        printf("test_fetch: disk-full checks skipped: cannot mount a tmpfs (%s)\n",
               strerror(errno));
        return;
    }
    control(f, "images=good.png");
    control(f, "bump=1");
    config cfg;
    make_config(&cfg, dir, port);
    source *s = start_source(&cfg, &quick, NULL, NULL);
    CHECK(source_wait_attempts(s, 1, 10000) && source_wait_images(s, 10000));
    feed_destroy(source_take_feed(s));
    snprintf(filler, sizeof filler, "%s/filler", dir);
    CHECK(fill_disk(filler));
    control(f, "images=good2.png");
    control(f, "bump=1");
    snprintf(title, sizeof title, "Test feed v%d\"", stat_of(f, "version", NULL));
    source_status st = poll_once(s);
    feed *fd = source_take_feed(s);
    source_get_status(s, &st);
    CHECKF(st.result == SOURCE_OK && fd && fd->n_items == 3, "disk full: %d %s",
           st.result, st.message);
    CHECKF(st.unsaved == 2, "%u files waiting", st.unsaved);
    CHECK(!cached_feed_has(dir, title));
    CHECK(fd && source_image_path(s, fd->items[0].image) == NULL);
    unlink(filler);
    poll_once(s); /* 304: the feed and the image are written now */
    source_get_status(s, &st);
    CHECKF(st.unsaved == 0, "%u files still waiting", st.unsaved);
    CHECK(cached_feed_has(dir, title));
    CHECK(fd && source_image_path(s, fd->items[0].image) != NULL);
    feed_destroy(fd);
    source_destroy(s);
    umount2(dir, MNT_DETACH);
    control(f, "images=good.png");
}

/* Poll times spread over +-10%: never outside, and the whole range used. */
static void test_jitter(void)
{
    unsigned seed = 12345;
    long lo = 60000, hi = 60000, below = 0;
    for (int i = 0; i < 5000; i++) {
        long d = source_jitter_ms(60000, &seed);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        below += d < 60000;
    }
    CHECKF(lo >= 54000 && lo <= 54300, "shortest %ld ms", lo);
    CHECKF(hi <= 66000 && hi >= 65700, "longest %ld ms", hi);
    CHECKF(below > 2000 && below < 3000, "%ld of 5000 below the interval", below);
}

int main(void)
{
    RUN(test_jitter);
    char base[] = "/tmp/test_fetch.XXXXXX";
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    char dir1[128], dir2[128], dir3[128], dir4[128], dir5[128], dir6[128];
    snprintf(dir1, sizeof dir1, "%s/cache1", base);
    snprintf(dir2, sizeof dir2, "%s/cache2", base);
    snprintf(dir3, sizeof dir3, "%s/cache3", base);
    snprintf(dir4, sizeof dir4, "%s/cache4", base);
    snprintf(dir5, sizeof dir5, "%s/cache5", base);
    snprintf(dir6, sizeof dir6, "%s/cache6", base);
    mkdir(dir6, 0755);
    /* The server is on loopback: no proxy from the environment. */
    static const char *const proxy_vars[] = {"http_proxy", "https_proxy", "HTTPS_PROXY",
                                             "all_proxy", "ALL_PROXY"};
    for (size_t i = 0; i < sizeof proxy_vars / sizeof proxy_vars[0]; i++)
        unsetenv(proxy_vars[i]);
    char tls_dir[128];
    snprintf(tls_dir, sizeof tls_dir, "%s", base);
    if (!server_start(0, tls_dir)) {
        fprintf(stderr, "cannot start tests/http_server.py\n");
        return 1;
    }
    fetch *f = fetch_create();
    RUN(test_fetch_helpers);
    RUN(test_fetch_reply);
    test_fetch_basics(f);
    test_fetch_failures(f);
    test_fetch_tls(f);
    test_fetch_proxy(f);
    test_fetch_crlf_validator(f);
    test_fetch_no_downgrade(f);
    RUN(test_fetch_multi);

    config cfg;
    make_config(&cfg, dir1, port);
    good_png_before = stat_of(f, "counts", "/img/good.png");
    source *s = start_source(&cfg, &quick, on_wake, NULL);
    test_source_updates(f, s, dir1);
    test_source_failures(f, s, dir1);
    test_source_no_valid_items(f, s, dir1);
    test_source_bad_images(f, s);
    source_destroy(s);
    test_source_cache_on_worker(f, dir1);
    test_source_cancel(f, dir3);
    test_source_refused_no_backoff(f, dir3);
    test_source_image_budget(f, dir4);
    test_source_hanging_images(f, dir5);
    test_source_own_files(f, dir6);
    test_source_disk_full(f, base);

    int old_port = port;
    fetch_destroy(f);
    server_stop();
    test_source_offline(dir1, old_port);
    test_source_no_cache_offline(dir2);
    test_source_backoff(dir3);
    test_source_no_flood(dir3);
    test_source_local(dir3);

    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", base);
    return test_done("test_fetch");
}
