#include "hash.h"

uint64_t hash_more(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

uint64_t hash_bytes(const void *p, size_t n)
{
    return hash_more(HASH_INIT, p, n);
}
