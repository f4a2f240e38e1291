/* bench_blocklist: what the blocklist costs. Generates N terms (default
 * 5,000: half random Latin words, half random runs of CJK ideographs),
 * builds the automaton, then applies it to a feed of the sample article
 * repeated as items up to FEED_MAX_BYTES of text (as bench_feed builds its
 * feed), five times; prints the build time and the median scan time.
 * Usage: bench_blocklist [terms] [article.txt] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "blocklist.h"
#include "feed.h"
#include "util.h"

#define DEFAULT_ARTICLE SIGNAGE_FONT_DIR "/../tests/data/content/yuanling-2024-06-28.txt"
#define RUNS 5

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* n terms, one a line: even ones 6-13 lowercase letters, odd ones 3-6
 * ideographs (U+4E00..U+9FA5). */
static char *make_terms(int n, size_t *len)
{
    char *buf = xmalloc((size_t)n * 24 + 1), *p = buf;
    uint32_t seed = 14;
    for (int i = 0; i < n; i++) {
        if (i % 2 == 0) {
            for (uint32_t k = 6 + rnd(&seed) % 8; k > 0; k--)
                *p++ = (char)('a' + rnd(&seed) % 26);
        } else {
            for (uint32_t k = 3 + rnd(&seed) % 4; k > 0; k--) {
                uint32_t c = 0x4E00 + rnd(&seed) % (0x9FA5 - 0x4E00);
                *p++ = (char)(0xE0 | (c >> 12));
                *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
                *p++ = (char)(0x80 | (c & 0x3F));
            }
        }
        *p++ = '\n';
    }
    *len = (size_t)(p - buf);
    return buf;
}

/* A feed of the article as the body of every item, up to FEED_MAX_BYTES. */
static feed make_feed(char *article, size_t alen)
{
    feed f = {0};
    f.n_items = FEED_MAX_BYTES / (alen + 100);
    f.items = xcalloc(f.n_items, sizeof *f.items);
    for (size_t i = 0; i < f.n_items; i++) {
        f.items[i].id = xstrdup("item");
        f.items[i].title = xstrdup("园岭街道：四十年砥砺发展");
        f.items[i].body = article;
        f.items[i].url = xstrdup("https://example.org/notices/yuanling-2024-06-28");
    }
    return f;
}

static void free_feed(feed *f)
{
    for (size_t i = 0; i < f->n_items; i++) {
        free(f->items[i].id);
        free(f->items[i].title);
        free(f->items[i].url);
        free(f->items[i].blocked);
    }
    free(f->items);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 5000;
    const char *path = argc > 2 ? argv[2] : DEFAULT_ARTICLE;
    size_t alen, tlen;
    char *article = read_file_capped(path, 64u << 20, &alen);
    if (!article || n < 1 || n > BLOCKLIST_MAX_TERMS) {
        fprintf(stderr, "bench_blocklist: cannot read %s, or terms not 1..%d\n", path,
                BLOCKLIST_MAX_TERMS);
        return 1;
    }
    char *terms = make_terms(n, &tlen);
    double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    blocklist *bl = blocklist_load(terms, tlen, "bench");
    double t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    feed f = make_feed(article, alen);
    double scan[RUNS];
    size_t blocked = 0;
    for (int r = 0; r < RUNS; r++) {
        double a = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
        blocked = blocklist_apply(bl, &f, "bench");
        scan[r] = bench_ms(CLOCK_PROCESS_CPUTIME_ID) - a;
    }
    qsort(scan, RUNS, sizeof *scan, bench_cmp_double);
    double mb = (double)(alen + 100) * (double)f.n_items / 1e6;
    printf("%zu terms (%.0f KB): build %.1f ms; feed of %zu items, %.2f MB of text: "
           "scan %.1f ms median of %d (%.0f MB/s), %zu blocked\n",
           blocklist_count(bl), (double)tlen / 1024, t1 - t0, f.n_items, mb,
           scan[RUNS / 2], RUNS, mb / (scan[RUNS / 2] / 1e3), blocked);
    free_feed(&f);
    blocklist_destroy(bl);
    free(terms);
    free(article);
    return 0;
}
