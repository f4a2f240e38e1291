/* log: one line per event on stderr, with level and module.
 * Define LOG_MODULE before including this header.
 *
 * When stderr is the journal (JOURNAL_STREAM names stderr's device and
 * inode, as systemd sets it), each line starts with its syslog priority
 * instead of the program's name: <3> error, <4> warn, <6> info, <7> debug,
 * so `journalctl -p warning` shows the warnings and errors. */
#pragma once
#include <errno.h>
#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Lines above this level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);
bool log_level_from_name(const char *name, enum log_level *out);

/* Count of LOG_ERROR and LOG_WARN lines so far. A test seam. */
unsigned log_problem_count(void);

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void log_msg(enum log_level level, const char *module, const char *fmt, ...);

/* The same with ": <strerror(err)>" appended. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void log_errno(enum log_level level, const char *module, int err, const char *fmt, ...);

/* Flood control for a failure that lasts (a feed that keeps failing, a
 * command that keeps failing): the first failure is logged, a failure of
 * another kind is logged with the count of the one before, the same kind
 * again only at the 10th, 100th, 1000th ... time, and the recovery once
 * with the count. The kind is the caller's code for the cause (a fetch
 * result, an HTTP status): the message may carry details that change every
 * time (curl's "after 2 ms"), and the line shown is the latest. One per
 * failing thing, used by one thread; zero-initialised (log_repeat r = {0})
 * it has no failure. */
typedef struct {
    char what[256];      /* the failure going on; "" when none */
    int kind;            /* its kind, as the caller named it */
    unsigned long count; /* how many times in a row */
    unsigned long total; /* failures of any message since the last success */
} log_repeat;

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void log_repeat_fail(log_repeat *r, enum log_level level, const char *module, int kind,
                     const char *fmt, ...);

/* Success: when a failure was going on, logs one info line "<fmt>, after N
 * failures (last: <what>)", N counting every failure since the last
 * success, and forgets them; else nothing. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void log_repeat_ok(log_repeat *r, const char *module, const char *fmt, ...);

#define LOG_ERR(...) log_msg(LOG_ERROR, LOG_MODULE, __VA_ARGS__)
#define LOG_WARN(...) log_msg(LOG_WARN, LOG_MODULE, __VA_ARGS__)
#define LOG_INFO(...) log_msg(LOG_INFO, LOG_MODULE, __VA_ARGS__)
#define LOG_DBG(...) log_msg(LOG_DEBUG, LOG_MODULE, __VA_ARGS__)
/* An error line ending in the reason errno gives. */
#define LOG_ERRNO(...) log_errno(LOG_ERROR, LOG_MODULE, errno, __VA_ARGS__)
#define LOG_FAILED(r, level, kind, ...)                                                  \
    log_repeat_fail(r, level, LOG_MODULE, kind, __VA_ARGS__)
#define LOG_RECOVERED(r, ...) log_repeat_ok(r, LOG_MODULE, __VA_ARGS__)
