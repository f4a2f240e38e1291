/* bench_layout: lays out and paginates the 3,231-character sample article at
 * 1920x1080 with the bundled fonts. Prints milliseconds for
 *   cold:  fonts_create + the first layout (faces opened, nothing cached),
 *          first in the process, then four times more with the faces reopened,
 *   warm:  a second and a third layout of the same item (faces open, the
 *          fonts measure cache holding the segments), then the median of 21,
 *   parts: ICU line breaking alone, and layout with a fixed-width measurer
 *          (layout's own cost without font shaping).
 * Goals on the 2-core build machine: cold <= 50 ms, warm <= 5 ms.
 * Usage: bench_layout [article.txt] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL_ttf.h>

#include "bench.h"
#include "fonts.h"
#include "config.h"
#include "deck.h"
#include "layout.h"
#include "linebreak.h"
#include "params.h"
#include "text.h"

#define DEFAULT_ARTICLE SIGNAGE_FONT_DIR "/../tests/data/content/yuanling-2024-06-28.txt"
#define RUNS 21

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, fp) : 0;
    fclose(fp);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* The article's paragraphs: line 5 on (lines 1-4 are page chrome). */
static char *article_body(const char *raw)
{
    const char *p = raw;
    for (int line = 1; line < 5 && p; line++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return text_normalise(p ? p : "", p ? strlen(p) : 0, 1 << 20);
}

static layout_params params(void)
{
    /* The shipped defaults (static: params.language points into it). */
    static config cfg;
    config_defaults(&cfg);
    layout_params p = params_layout(&cfg, 1920, 1080);
    p.enlarge_short = false; /* measured at the configured size */
    return p;
}

static int fixed_width(void *ctx, const char *s, size_t len, int px, bool bold)
{
    (void)ctx;
    (void)bold;
    int w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w += (unsigned char)s[i] < 0x80 ? px / 2 : px;
    return w;
}

static double median_layout_ms(const layout_params *p, const layout_measure *m,
                               const char *title, const char *body)
{
    double t[RUNS];
    for (int i = 0; i < RUNS; i++) {
        double t0 = bench_ms(CLOCK_MONOTONIC);
        layout_item_destroy(layout_item_create(p, m, title, body));
        t[i] = bench_ms(CLOCK_MONOTONIC) - t0;
    }
    qsort(t, RUNS, sizeof *t, bench_cmp_double);
    return t[RUNS / 2];
}

static double linebreak_ms(const char *body)
{
    double t0 = bench_ms(CLOCK_MONOTONIC);
    linebreak *lb = linebreak_create("zh");
    size_t n, total = 0;
    for (const char *p = body; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        linebreak_find(lb, p, len, LINEBREAK_TAILORED, &n);
        total += n;
        p += len + (nl != NULL);
    }
    linebreak_destroy(lb);
    double ms = bench_ms(CLOCK_MONOTONIC) - t0;
    printf("linebreak only (create + tailored breaks): %.2f ms, %zu opportunities\n", ms,
           total);
    return ms;
}

/* fonts_create + one layout with fresh faces (SDL_ttf's glyph caches are
 * per open font, so every run loads its glyphs again; the OS file cache is
 * warm after the first). Returns ms; *out gets the fonts for more runs. */
static double cold_run(const layout_params *p, const char *title, const char *body,
                       fonts **out, double *t_fonts)
{
    double t0 = bench_ms(CLOCK_MONOTONIC);
    fonts *f = fonts_create(NULL, NULL, "zh-CN");
    if (!f)
        return -1;
    *t_fonts = bench_ms(CLOCK_MONOTONIC) - t0;
    layout_measure m = fonts_measure(f);
    layout_item_destroy(layout_item_create(p, &m, title, body));
    double ms = bench_ms(CLOCK_MONOTONIC) - t0;
    if (out)
        *out = f;
    else
        fonts_destroy(f);
    return ms;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_ARTICLE;
    char *raw = read_file(path);
    if (!raw) {
        fprintf(stderr, "bench_layout: cannot read %s\n", path);
        return 1;
    }
    char *body = article_body(raw);
    const char *title = "园岭街道 聚焦“百千万工程” 塑造全新美好园岭";
    layout_params p = params();
    printf("article: %zu characters of body, %zu bytes\n",
           text_count_chars(body, strlen(body)), strlen(body));
    if (TTF_Init() != 0) {
        fprintf(stderr, "TTF_Init: %s\n", TTF_GetError());
        return 1;
    }
    double colds[5], t_fonts, cpu0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < 5; i++) {
        colds[i] = cold_run(&p, title, body, NULL, &t_fonts);
        if (i == 0)
            printf("cold run 1 used %.2f ms of CPU (the rest of the wall time is "
                   "waiting for a core or the disk)\n",
                   bench_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0);
        if (colds[i] < 0) {
            fprintf(stderr, "bench_layout: no font\n");
            return 1;
        }
        printf("cold run %d (fonts_create + layout): %.2f ms (fonts_create %.2f ms)\n",
               i + 1, colds[i], t_fonts);
    }
    double cold = colds[0]; /* the first in the process: ICU, FreeType all new */
    qsort(colds + 1, 4, sizeof *colds, bench_cmp_double);
    printf("cold: first %.2f ms; faces reopened in the same process: median %.2f ms\n",
           cold, (colds[2] + colds[3]) / 2);

    fonts *f = NULL;
    cold_run(&p, title, body, &f, &t_fonts);
    layout_measure m = fonts_measure(f);
    for (int run = 2; run <= 3; run++) {
        double t0 = bench_ms(CLOCK_MONOTONIC);
        layout_item *it = layout_item_create(&p, &m, title, body);
        printf("warm layout #%d: %.2f ms -> %d lines, %d pages\n", run,
               bench_ms(CLOCK_MONOTONIC) - t0, it->n_lines, it->n_pages);
        layout_item_destroy(it);
    }
    double warm = median_layout_ms(&p, &m, title, body);
    printf("warm layout, median of %d: %.2f ms\n", RUNS, warm);
    fonts_stats st = fonts_get_stats(f);
    printf("fonts measure cache: %lu hits, %lu misses, %d entries\n", st.measure_hits,
           st.measure_misses, st.measure_entries);
    layout_measure fixed = {.width = fixed_width};
    printf("layout with a fixed-width measurer, median of %d: %.2f ms\n", RUNS,
           median_layout_ms(&p, &fixed, title, body));
    linebreak_ms(body);
    printf("goals: cold (first) %.2f <= 50 ms: %s, warm %.2f <= 5 ms: %s\n", cold,
           cold <= 50 ? "met" : "MISSED", warm, warm <= 5 ? "met" : "MISSED");
    fonts_destroy(f);
    TTF_Quit();
    free(body);
    free(raw);
    return 0;
}
