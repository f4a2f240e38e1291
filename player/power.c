#define LOG_MODULE "power"
#include "power.h"

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "util.h"

extern char **environ;

struct power {
    const char *on_cmd, *off_cmd;
    int64_t min_gap;
    bool known, on; /* the last state a command was run for */
    int64_t last;   /* when it ran */
    bool holding;   /* a change is held back (and was logged) */
    pid_t child;    /* the last command, while it may still run; 0: none */
};

power *power_create(const char *on_cmd, const char *off_cmd, int64_t min_gap)
{
    power *p = xcalloc(1, sizeof *p);
    p->on_cmd = on_cmd;
    p->off_cmd = off_cmd;
    p->min_gap = min_gap;
    return p;
}

void power_destroy(power *p)
{
    free(p);
}

static void log_exit(int status)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        LOG_WARN("display power command exited with %d", WEXITSTATUS(status));
}

/* Starts cmd; the child's pid, or 0 when nothing was started. */
static pid_t power_run(const char *cmd, bool on)
{
    if (!cmd || !cmd[0])
        return 0;
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    if (err) {
        log_errno(LOG_WARN, LOG_MODULE, err, "display %s command '%s' did not start",
                  on ? "on" : "off", cmd);
        return 0;
    }
    LOG_INFO("display %s: %s", on ? "on" : "off", cmd);
    return pid;
}

/* Whether the last command still runs. A new one waits for it: an "off"
 * and an urgent "on" started together could finish in either order. */
static bool child_running(power *p)
{
    int status;
    if (p->child <= 0)
        return false;
    pid_t r = waitpid(p->child, &status, WNOHANG);
    if (r == 0)
        return true;
    if (r == p->child)
        log_exit(status);
    p->child = 0; /* done, or already reaped by power_reap */
    return false;
}

int64_t power_want(power *p, bool on, bool urgent, int64_t now)
{
    if (p->known && on == p->on) {
        p->holding = false;
        return -1;
    }
    int64_t since = now - p->last;
    if (p->known && !(on && urgent) && since >= 0 && since < p->min_gap) {
        if (!p->holding)
            LOG_WARN("display %s held back: the last power change was %llds ago, at most "
                     "one per %llds",
                     on ? "on" : "off", (long long)since, (long long)p->min_gap);
        p->holding = true;
        return p->min_gap - since;
    }
    if (child_running(p))
        return 1;
    p->child = power_run(on ? p->on_cmd : p->off_cmd, on);
    p->known = true;
    p->on = on;
    p->last = now;
    p->holding = false;
    return -1;
}

void power_reap(void)
{
    int status;
    while (waitpid(-1, &status, WNOHANG) > 0)
        log_exit(status);
}
