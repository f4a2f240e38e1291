#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Atomic int max_level = LOG_INFO;
static atomic_uint problems;
static _Atomic int journal = -1; /* unknown yet */

/* True when stderr is the journal's stream: JOURNAL_STREAM is "dev:ino" of
 * it (a child whose stderr was redirected inherits the variable too). */
static bool to_journal(void)
{
    if (journal >= 0)
        return journal;
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    char tail;
    bool yes = js && sscanf(js, "%llu:%llu%c", &dev, &ino, &tail) == 2 &&
               fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
               (unsigned long long)st.st_ino == ino;
    journal = yes;
    return yes;
}

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
    static const char *const priorities[] = {"<3>", "<4>", "<6>", "<7>"};
    fprintf(stderr, "%s%s: %s: %s%s%s\n",
            to_journal() ? priorities[level] : "signage-player: ", tags[level], module,
            msg, reason ? ": " : "", reason ? reason : "");
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

void log_repeat_fail(log_repeat *r, enum log_level level, const char *module, int kind,
                     const char *fmt, ...)
{
    char what[sizeof r->what];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    r->total++;
    if (r->count > 0 && kind == r->kind) {
        memcpy(r->what, what, sizeof what);
        unsigned long c = ++r->count;
        while (c % 10 == 0)
            c /= 10;
        if (c == 1)
            log_msg(level, module, "%s (still failing, %lu times)", what, r->count);
        return;
    }
    if (r->count > 0)
        log_msg(level, module, "%s (before: %s, %lu times)", what, r->what, r->count);
    else
        log_msg(level, module, "%s", what);
    memcpy(r->what, what, sizeof what);
    r->kind = kind;
    r->count = 1;
}

void log_repeat_ok(log_repeat *r, const char *module, const char *fmt, ...)
{
    if (r->count == 0)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_msg(LOG_INFO, module, "%s, after %lu failure%s (last: %s)", msg, r->total,
            r->total == 1 ? "" : "s", r->what);
    r->what[0] = '\0';
    r->count = r->total = 0;
}
