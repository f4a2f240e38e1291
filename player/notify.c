#define LOG_MODULE "notify"
#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#ifdef SIGNAGE_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

struct notify {
    bool enabled; /* NOTIFY_SOCKET is set */
    bool ready;
    int watchdog_ms; /* 0: no watchdog */
    uint64_t last_ping;
    char status[256];
};

#ifdef SIGNAGE_HAVE_LIBSYSTEMD
static bool send_msg(const char *msg)
{
    return sd_notify(0, msg) > 0;
}

static uint64_t watchdog_usec(void)
{
    uint64_t usec = 0;
    return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}
#else
/* The protocol itself: one datagram to the AF_UNIX socket named in
 * NOTIFY_SOCKET ('@' for the abstract namespace). */
static bool send_msg(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = path ? strlen(path) : 0;
    if (len < 2 || len >= sizeof sa.sun_path || (path[0] != '/' && path[0] != '@'))
        return false;
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    bool ok = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, sl) >= 0;
    close(fd);
    return ok;
}

/* WATCHDOG_USEC, when WATCHDOG_PID is absent or names this process. */
static uint64_t watchdog_usec(void)
{
    const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    if (!usec || (pid && strtol(pid, NULL, 10) != (long)getpid()))
        return 0;
    char *end;
    unsigned long long v = strtoull(usec, &end, 10);
    return *end || !usec[0] ? 0 : (uint64_t)v;
}
#endif

notify *notify_create(void)
{
    notify *n = xcalloc(1, sizeof *n);
    n->enabled = getenv("NOTIFY_SOCKET") != NULL;
    uint64_t usec = n->enabled ? watchdog_usec() : 0;
    if (usec) {
        uint64_t ms = usec / 2000;
        n->watchdog_ms = ms < 1 ? 1 : ms > 3600000 ? 3600000 : (int)ms;
        LOG_INFO("watchdog: a ping every %d ms", n->watchdog_ms);
    }
    return n;
}

void notify_destroy(notify *n)
{
    free(n);
}

static void send_logged(notify *n, const char *msg)
{
    if (n->enabled && !send_msg(msg))
        LOG_WARN("cannot notify the service manager (%s): %s", msg, strerror(errno));
}

void notify_ready(notify *n)
{
    if (n->ready)
        return;
    n->ready = true;
    send_logged(n, "READY=1");
}

void notify_status(notify *n, const char *status)
{
    if (!n->enabled || strncmp(n->status, status, sizeof n->status - 1) == 0)
        return;
    snprintf(n->status, sizeof n->status, "%s", status);
    char msg[sizeof n->status + 8];
    snprintf(msg, sizeof msg, "STATUS=%s", n->status);
    send_logged(n, msg);
}

int notify_watchdog_ms(const notify *n)
{
    return n->watchdog_ms;
}

void notify_watchdog(notify *n, uint64_t now_ms)
{
    if (!n->watchdog_ms ||
        (n->last_ping && now_ms - n->last_ping < (uint64_t)n->watchdog_ms))
        return;
    n->last_ping = now_ms;
    send_logged(n, "WATCHDOG=1");
}

int notify_watchdog_due_ms(const notify *n, uint64_t now_ms)
{
    if (!n->watchdog_ms)
        return INT32_MAX;
    uint64_t due = n->last_ping + (uint64_t)n->watchdog_ms;
    return due > now_ms ? (int)(due - now_ms) : 0;
}
