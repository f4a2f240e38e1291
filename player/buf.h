/* buf: a growable byte buffer with a hard cap, in the manner of curl's
 * dynbuf: an addition that would pass the cap fails and leaves the buffer
 * as it was, so input from outside is bounded where it is collected. The
 * bytes are always NUL-terminated. Allocation failure aborts. Pure.
 *
 * And one growth rule for typed arrays (buf_grow). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *p;    /* NULL until the first addition */
    size_t len; /* bytes held, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* len never passes this */
} buf;

/* An empty buffer that holds at most max bytes. */
void buf_init(buf *b, size_t max);

/* Appends n bytes; false (nothing appended) when len would pass max. */
bool buf_add(buf *b, const void *data, size_t n);

/* The bytes, NUL-terminated ("" when none), owned by the caller; *len (when
 * not NULL) their count. The buffer is empty again, with the same max. */
char *buf_take(buf *b, size_t *len);

/* Frees the bytes of a buffer not taken; it is empty again, with the same
 * max. No caller in the player today (every collector takes its bytes):
 * the destructor of the type, checked by test_buf. */
void buf_free(buf *b);

/* v, an array of elements of size bytes with room for *cap of them,
 * regrown (doubling, at least 16) to hold need; *cap is updated. */
void *buf_grow(void *v, size_t *cap, size_t need, size_t size);
