/* source without a server: libcurl (and with it TLS, about 2 MB) starts
 * only when something remote is to be fetched. A local feed with local
 * images never starts it; a remote feed, or a local feed naming an http
 * image, does. fetch_started() is per process, so each case runs in a child
 * of its own. The remote cases connect to a socket of the test's that
 * listens and never answers: the connection proves the request went out. */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fetch.h"
#include "params.h"
#include "source.h"
#include "test.h"

static char base[] = "/tmp/test_source.XXXXXX";
static char dir[256]; /* the case's own folder: feed, pictures, cache */

static void write_text(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* The source the player would make from its defaults, with a feed, the
 * case's cache folder and quick timeouts. */
static source *start(const char *feed_setting, bool on_worker)
{
    config cfg;
    config_defaults(&cfg);
    snprintf(cfg.feed, sizeof cfg.feed, "%s", feed_setting);
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s/cache", dir);
    snprintf(cfg.logo, sizeof cfg.logo, "%s/logo.png", dir);
    source_params p = params_source(&cfg);
    p.timing.connect_timeout_ms = 2000;
    p.timing.total_timeout_ms = 2000;
    p.timing.low_speed_time_s = 1;
    p.start_on_worker = on_worker;
    return source_create(&p, NULL, NULL);
}

/* A socket on 127.0.0.1 that takes connections (the kernel's backlog)
 * and never answers; its port in *port. */
static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* True when a connection comes to fd within 5 s; it is closed at once,
 * so the request fails fast. */
static bool connected(int fd)
{
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    if (poll(&pf, 1, 5000) != 1)
        return false;
    int c = accept(fd, NULL, NULL);
    if (c >= 0)
        close(c);
    return c >= 0;
}

#define FEED_DOC                                                                         \
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"%s\",\"items\":["     \
    "{\"id\":\"1\",\"content_text\":\"x\",\"image\":\"%s\"},"                            \
    "{\"id\":\"2\",\"content_text\":\"y\",\"banner_image\":\"file://%s/pic2.png\"}]}"

static void write_feed(const char *title, const char *image)
{
    char text[1024];
    snprintf(text, sizeof text, FEED_DOC, title, image, dir);
    write_text("feed.json", text);
}

/* Child: a local feed, its pictures local (relative and file://), the
 * config's logo, a cache folder; read at start on the worker as the app
 * does, then changed and read again. 0 when curl never started. */
static int local_case(void *arg)
{
    bool on_worker = arg != NULL;
    char path[512], pic[512];
    write_feed("one", "pic.png");
    snprintf(path, sizeof path, "%s/feed.json", dir);
    snprintf(pic, sizeof pic, "%s/pic.png", dir);
    source *s = start(path, on_worker);
    if (!s || !source_wait_attempts(s, 1, 5000))
        return 10;
    feed *f = source_take_feed(s);
    bool ok = f && f->title && strcmp(f->title, "one") == 0;
    feed_destroy(f);
    const char *img = source_image_path(s, "pic.png");
    if (!ok || !img || strcmp(img, pic) != 0)
        return 11;
    write_feed("second", "pic.png"); /* another size: seen as changed */
    source_poll_now(s);
    if (!source_wait_attempts(s, 2, 5000) || !source_wait_images(s, 5000))
        return 12;
    f = source_take_feed(s);
    ok = f && f->title && strcmp(f->title, "second") == 0;
    feed_destroy(f);
    source_destroy(s);
    if (!ok)
        return 13;
    return fetch_started() ? 1 : 0;
}

/* Child: a local feed that names an http image: the image store starts
 * curl and its download connects. 0 when it did. */
static int remote_image_case(void *arg)
{
    (void)arg;
    int port, fd = listener(&port);
    char url[128], path[512];
    if (fd < 0)
        return 77;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/pic.png", port);
    write_feed("three", url);
    snprintf(path, sizeof path, "%s/feed.json", dir);
    source *s = start(path, true);
    bool conn = s && connected(fd);
    bool idle = s && source_wait_images(s, 5000);
    bool missing = s && source_image_path(s, url) == NULL;
    source_destroy(s);
    close(fd);
    if (!conn || !idle || !missing)
        return 20;
    return fetch_started() ? 0 : 1;
}

/* Child: an http feed: the source's first poll starts curl and connects.
 * 0 when it did. */
static int remote_feed_case(void *arg)
{
    (void)arg;
    int port, fd = listener(&port);
    char url[128];
    if (fd < 0)
        return 77;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.json", port);
    source *s = start(url, true);
    bool conn = s && connected(fd);
    bool polled = s && source_wait_attempts(s, 1, 5000);
    source_status st = {0};
    if (s)
        source_get_status(s, &st);
    source_destroy(s);
    close(fd);
    if (!conn || !polled || st.result != SOURCE_ERROR)
        return 30;
    return fetch_started() ? 0 : 1;
}

/* Runs a case in a child with a fresh folder; its exit code. */
static int run_case(const char *name, int (*fn)(void *), void *arg)
{
    static int n;
    char log[512];
    snprintf(dir, sizeof dir, "%s/%s%d", base, name, ++n);
    mkdir(dir, 0755);
    write_text("pic.png", "any bytes: only image_load looks inside");
    write_text("pic2.png", "any bytes");
    write_text("logo.png", "any bytes");
    snprintf(log, sizeof log, "%s.log", dir);
    int rc = test_in_child(fn, arg, 20, log);
    if (rc != 0) {
        fprintf(stderr, "%s: exit %d, its log:\n", name, rc);
        char *text = test_read_file(log, NULL);
        fprintf(stderr, "%s\n", text ? text : "(none)");
        free(text);
    }
    return rc;
}

static void test_local_never_starts_curl(void)
{
    int rc = run_case("local", local_case, NULL);
    CHECKF(rc == 0, "read in source_create: %s", rc == 1 ? "curl started" : "failed");
    rc = run_case("local_worker", local_case, "on worker");
    CHECKF(rc == 0, "read on the worker: %s", rc == 1 ? "curl started" : "failed");
}

static void test_remote_starts_curl(void)
{
    int rc = run_case("remote_image", remote_image_case, NULL);
    if (rc == 77) {
        SKIP("no loopback socket");
        return;
    }
    CHECKF(rc == 0, "local feed, http image: %s",
           rc == 1 ? "curl not started" : "failed");
    rc = run_case("remote_feed", remote_feed_case, NULL);
    CHECKF(rc == 0, "http feed: %s", rc == 1 ? "curl not started" : "failed");
}

int main(void)
{
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    /* The sockets are on loopback: no proxy from the environment. */
    static const char *const proxy_vars[] = {"http_proxy", "https_proxy", "HTTPS_PROXY",
                                             "all_proxy", "ALL_PROXY"};
    for (size_t i = 0; i < sizeof proxy_vars / sizeof proxy_vars[0]; i++)
        unsetenv(proxy_vars[i]);
    RUN(test_local_never_starts_curl);
    RUN(test_remote_starts_curl);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", base);
    return test_done("test_source");
}
