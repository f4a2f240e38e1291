#define _GNU_SOURCE /* pipe2 */
#define LOG_MODULE "watch"
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct watch {
    char *dir, *name;
    int inotify; /* -1 when unavailable */
    int stop[2]; /* destroy writes here */
    pthread_t thread;
    bool running; /* thread started */
    atomic_bool changed;
    watch_wake_fn wake;
    void *ctx;
    struct sigaction old_hup;
};

/* The SIGHUP handler's only state: the write end of a self-pipe. */
static int hup_pipe[2] = {-1, -1};

static void on_hup(int sig)
{
    (void)sig;
    int saved = errno;
    char c = 'h';
    if (write(hup_pipe[1], &c, 1) < 0) {
        /* full pipe: a change is already pending */
    }
    errno = saved;
}

/* True when the inotify events in buf name the watched file. */
static bool names_file(const watch *w, const char *buf, ssize_t len)
{
    bool hit = false;
    for (ssize_t off = 0; off < len;) {
        const struct inotify_event *ev = (const void *)(buf + off);
        if (ev->len && strcmp(ev->name, w->name) == 0)
            hit = true;
        off += (ssize_t)sizeof *ev + ev->len;
    }
    return hit;
}

static void drain(int fd)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

static void *watch_main(void *arg)
{
    watch *w = arg;
    struct pollfd fds[3] = {
        {.fd = w->stop[0], .events = POLLIN},
        {.fd = hup_pipe[0], .events = POLLIN},
        {.fd = w->inotify, .events = POLLIN},
    };
    for (;;) {
        if (poll(fds, w->inotify >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            break;
        bool hit = false;
        if (fds[1].revents) {
            drain(hup_pipe[0]);
            LOG_INFO("SIGHUP: reading the config again");
            hit = true;
        }
        if (w->inotify >= 0 && fds[2].revents) {
            char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
            ssize_t n = read(w->inotify, buf, sizeof buf);
            hit |= n > 0 && names_file(w, buf, n);
        }
        if (hit) {
            atomic_store(&w->changed, true);
            if (w->wake)
                w->wake(w->ctx);
        }
    }
    return NULL;
}

static void split(watch *w, const char *path)
{
    const char *slash = strrchr(path, '/');
    w->dir =
        slash ? xstrndup(path, (size_t)(slash - path) + (slash == path)) : xstrdup(".");
    w->name = xstrdup(slash ? slash + 1 : path);
}

static bool start_inotify(watch *w)
{
    w->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->inotify < 0 ||
        inotify_add_watch(w->inotify, w->dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        LOG_ERRNO("cannot watch %s for changes (SIGHUP still works)", w->dir);
        if (w->inotify >= 0)
            close(w->inotify);
        w->inotify = -1;
        return false;
    }
    return true;
}

static bool start_hup(watch *w)
{
    if (pipe2(hup_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
        return false;
    struct sigaction sa = {.sa_handler = on_hup, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGHUP, &sa, &w->old_hup) == 0;
}

watch *watch_create(const char *path, watch_wake_fn wake, void *ctx)
{
    if (hup_pipe[0] >= 0) {
        LOG_ERR("only one watch at a time");
        return NULL;
    }
    watch *w = xcalloc(1, sizeof *w);
    w->wake = wake;
    w->ctx = ctx;
    w->stop[0] = w->stop[1] = -1;
    split(w, path);
    start_inotify(w);
    w->running = start_hup(w) && pipe2(w->stop, O_CLOEXEC) == 0 &&
                 pthread_create(&w->thread, NULL, watch_main, w) == 0;
    if (!w->running) {
        LOG_ERRNO("cannot watch %s", path);
        watch_destroy(w);
        return NULL;
    }
    return w;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void watch_destroy(watch *w)
{
    if (!w)
        return;
    if (w->running) {
        char c = 's';
        if (write(w->stop[1], &c, 1) == 1)
            pthread_join(w->thread, NULL);
    }
    if (hup_pipe[0] >= 0)
        sigaction(SIGHUP, &w->old_hup, NULL);
    close_fd(&hup_pipe[0]);
    close_fd(&hup_pipe[1]);
    close_fd(&w->stop[0]);
    close_fd(&w->stop[1]);
    close_fd(&w->inotify);
    free(w->dir);
    free(w->name);
    free(w);
}

bool watch_changed(watch *w)
{
    return atomic_exchange(&w->changed, false);
}
