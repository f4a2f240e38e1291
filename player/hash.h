/* hash: 64-bit FNV-1a, the player's one hash: cache file names, the
 * render and measure caches, and telling a changed feed body from the same
 * one. Not for anything an attacker must not be able to collide. Pure. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define HASH_INIT 14695981039346656037ULL

/* h continued over n bytes at p: hash_more(HASH_INIT, p, n) is the hash of
 * those bytes, and further calls hash what follows them. */
uint64_t hash_more(uint64_t h, const void *p, size_t n);

/* The hash of n bytes at p. */
uint64_t hash_bytes(const void *p, size_t n);
