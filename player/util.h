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

/* Reads a whole regular file of at most max bytes, NUL-terminated (len
 * excludes the NUL); every read of a file from outside goes through here.
 * Never blocks on a FIFO: anything but a regular file (FIFO, device,
 * socket, directory) is refused at once. Symbolic links are followed (a
 * config in /etc is often one); the check is on what was opened. A read
 * error is an error, never an empty or cut file. NULL with errno set on
 * failure: ENOENT when missing, EFBIG when larger than max, EISDIR for a
 * directory, ENODEV for another file that is not regular. */
char *read_file_capped(const char *path, size_t max, size_t *len);

/* A short description of a read_file_capped errno ("not a regular file",
 * "too large", else strerror). */
const char *read_file_error(int err);

/* Gives freed heap memory back to the system (glibc: malloc_trim, in every
 * thread's arena); a no-op elsewhere. For after a large, short-lived peak. */
void util_release_memory(void);

/* Blocks of at least bytes get mappings of their own, given back to the
 * system when freed (glibc: M_MMAP_THRESHOLD, which also stops glibc from
 * raising the threshold after such a free, so that a freed page texture or
 * image never stays in the heap). For the player's start; a no-op
 * elsewhere. */
void util_map_large_blocks(size_t bytes);
/* Gives the free pages inside the heap back to the system (glibc's
 * malloc_trim): after a burst of frees, so that they no longer count. */
void util_return_free_memory(void);

/* A memory figure of this process in kB from /proc/self/status, key with
 * its colon ("VmRSS:", "VmHWM:"); -1 where there is none. Test seam: only
 * the benchmarks and tests call it (a status line may). */
long util_status_kb(const char *key);
