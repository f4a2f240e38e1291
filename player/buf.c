#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void buf_init(buf *b, size_t max)
{
    *b = (buf){.max = max};
}

bool buf_add(buf *b, const void *data, size_t n)
{
    if (n > b->max - b->len)
        return false;
    if (b->len + n + 1 > b->cap) {
        size_t want = b->cap ? b->cap : 256;
        while (want < b->len + n + 1)
            want *= 2;
        /* Never more than the cap needs, however the doubling falls. */
        if (b->max < SIZE_MAX && want > b->max + 1)
            want = b->max + 1;
        b->p = xrealloc(b->p, want);
        b->cap = want;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

char *buf_take(buf *b, size_t *len)
{
    char *p = b->p ? b->p : xstrdup("");
    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}

void buf_free(buf *b)
{
    free(b->p);
    buf_init(b, b->max);
}

void *buf_grow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return v;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / size)
        abort();
    *cap = n;
    return xrealloc(v, n * size);
}
