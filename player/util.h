/* util: allocation that never returns NULL, and a file read with a cap.
 * Running out of memory on a signage board is not recoverable in any
 * useful way: abort, and let the service manager restart the player. */
#pragma once
#include <stddef.h>

void *xmalloc(size_t n);              /* n may be 0 */
void *xcalloc(size_t n, size_t size); /* n may be 0 */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL gives "" */
char *xstrndup(const char *s, size_t n);

/* Reads a whole file of at most max bytes, NUL-terminated (len excludes
 * the NUL). NULL with errno set on failure: EFBIG when it is larger. */
char *read_file_capped(const char *path, size_t max, size_t *len);
