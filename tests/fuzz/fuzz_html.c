/* fuzz_html: HTML and plain text to clean text through text.h's public
 * functions (whatever parser is behind text_from_html), with the promises
 * text.h makes checked on every result: valid UTF-8, no control character
 * but '\n' between paragraphs, no empty line, no space at a line's ends,
 * the byte cap kept. A broken promise aborts: a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BIG_CAP (64 * 1024)

static void check_text(const char *s, size_t max_out, bool lines)
{
    if (strlen(s) > max_out)
        abort();
    fuzz_check_text(s, lines);
}

/* text_cjk_punct on a copy: valid UTF-8 in, valid UTF-8 out, at most three
 * times as long. */
static void check_punct(const char *s)
{
    size_t n = strlen(s);
    char *p = text_cjk_punct(strdup(s));
    size_t m = strlen(p);
    if (m > 3 * n || !text_utf8_valid(p, m))
        abort();
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *in = (const char *)data;
    /* A small cap taken from the input too: cutting at it is a path. */
    size_t small = size ? data[0] % 64 : 0;
    char *h = text_from_html(in, size, BIG_CAP);
    check_text(h, BIG_CAP, true);
    check_punct(h);
    free(h);
    h = text_from_html(in, size, small);
    check_text(h, small, true);
    free(h);
    char *t = text_normalise(in, size, BIG_CAP);
    check_text(t, BIG_CAP, true);
    if (text_count_chars(t, strlen(t)) > strlen(t))
        abort();
    free(t);
    t = text_normalise_line(in, size, small);
    check_text(t, small, false);
    free(t);
    return 0;
}
