#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static _Atomic int max_level = LOG_INFO;
static atomic_uint problems;

void log_set_level(enum log_level level)
{
    max_level = level;
}

bool log_level_from_name(const char *name, enum log_level *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

unsigned log_problem_count(void)
{
    return problems;
}

static void log_line(enum log_level level, const char *module, const char *reason,
                     const char *fmt, va_list ap)
{
    static const char *const tags[] = {"error", "warn", "info", "debug"};
    if (level <= LOG_WARN)
        problems++;
    if ((int)level > max_level)
        return;
    /* One fprintf per line so lines from the fetch thread never interleave. */
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "signage-player: %s: %s: %s%s%s\n", tags[level], module, msg,
            reason ? ": " : "", reason ? reason : "");
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(level, module, NULL, fmt, ap);
    va_end(ap);
}

void log_errno(enum log_level level, const char *module, int err, const char *fmt, ...)
{
    char reason[128];
    /* strerror_r (the XSI one): the fetch thread logs too. */
    if (strerror_r(err, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", err);
    va_list ap;
    va_start(ap, fmt);
    log_line(level, module, reason, fmt, ap);
    va_end(ap);
}
