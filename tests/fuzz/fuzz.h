/* fuzz: what several harnesses share (fuzz.c, linked into each). A
 * broken promise aborts: libFuzzer reports it as a crash. */
#pragma once
#include <stddef.h>

/* Only errors logged: the player's warnings on bad input would flood the
 * fuzzer's output. */
void fuzz_quiet(void);

/* A document through feed_parse and blocklist_apply (a few fixed terms,
 * Chinese and English), as source takes a feed, then what feed.h and
 * text.h promise of the items checked: clean valid UTF-8 text, caps kept,
 * ids unique. */
void fuzz_feed_check(const char *data, size_t size);
