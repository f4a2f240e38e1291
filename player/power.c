#define LOG_MODULE "power"
#include "power.h"

#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"

extern char **environ;

void power_run(const char *cmd, bool on)
{
    if (!cmd || !cmd[0])
        return;
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    if (err)
        LOG_WARN("display %s command '%s' did not start: %s", on ? "on" : "off", cmd,
                 strerror(err));
    else
        LOG_INFO("display %s: %s", on ? "on" : "off", cmd);
}

void power_reap(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            LOG_WARN("display power command exited with %d", WEXITSTATUS(status));
    }
}
