/* log: one line per event on stderr, with level and module.
 * Define LOG_MODULE before including this header. */
#pragma once
#include <errno.h>
#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Lines above this level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);
bool log_level_from_name(const char *name, enum log_level *out);

/* Count of LOG_ERROR and LOG_WARN lines so far (tests read it). */
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

#define LOG_ERR(...) log_msg(LOG_ERROR, LOG_MODULE, __VA_ARGS__)
#define LOG_WARN(...) log_msg(LOG_WARN, LOG_MODULE, __VA_ARGS__)
#define LOG_INFO(...) log_msg(LOG_INFO, LOG_MODULE, __VA_ARGS__)
#define LOG_DBG(...) log_msg(LOG_DEBUG, LOG_MODULE, __VA_ARGS__)
/* An error line ending in the reason errno gives. */
#define LOG_ERRNO(...) log_errno(LOG_ERROR, LOG_MODULE, errno, __VA_ARGS__)
