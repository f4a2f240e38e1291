/* bench_feed: what reading a feed costs. Builds a JSON Feed of the sample
 * article repeated as items up to just under FEED_MAX_BYTES, then times the
 * strict JSON check, the whole feed_parse, and text_normalise and
 * text_from_html on the article alone; prints resident memory.
 * Usage: bench_feed [article.txt] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "feed.h"
#include "util.h"
#include "text.h"

#define DEFAULT_ARTICLE SIGNAGE_FONT_DIR "/../tests/data/content/yuanling-2024-06-28.txt"

/* The article as a JSON string body: quotes, backslashes, newlines escaped. */
static char *json_escape(const char *s, size_t len, size_t *out_len)
{
    char *out = xmalloc(len * 2 + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            out[k++] = '\\';
            out[k++] = s[i];
        } else if (s[i] == '\n') {
            out[k++] = '\\';
            out[k++] = 'n';
        } else if ((unsigned char)s[i] >= 0x20) {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    *out_len = k;
    return out;
}

static char *build_feed(const char *body, size_t body_len, size_t *len, int *items)
{
    size_t cap = FEED_MAX_BYTES, k = 0;
    char *buf = xmalloc(cap);
    k += (size_t)snprintf(buf, cap,
                          "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":"
                          "\"bench\",\"items\":[");
    *items = 0;
    while (k + body_len + 200 < cap) {
        k += (size_t)snprintf(
            buf + k, cap - k,
            "%s{\"id\":\"%d\",\"title\":\"第%d条\",\"content_text\":\"%s\","
            "\"_signage\":{\"hours\":[\"08:00-18:00\"],\"duration\":20}}",
            *items ? "," : "", *items, *items, body);
        (*items)++;
    }
    k += (size_t)snprintf(buf + k, cap - k, "]}");
    *len = k;
    return buf;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_ARTICLE;
    size_t alen, blen, flen;
    char *article = read_file_capped(path, 64u << 20, &alen);
    if (!article) {
        fprintf(stderr, "bench_feed: cannot read %s\n", path);
        return 1;
    }
    char *body = json_escape(article, alen, &blen);
    int items;
    char *json = build_feed(body, blen, &flen, &items);

    double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    bool ok = feed_json_valid(json, flen);
    double t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    feed *f = feed_parse(json, flen, "bench");
    double t2 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("feed of %d items, %.2f MB: json check %.1f ms (%.0f MB/s, %s), feed_parse "
           "%.1f ms, "
           "%zu items kept\n",
           items, (double)flen / 1e6, t1 - t0, (double)flen / 1e3 / (t1 - t0),
           ok ? "valid" : "INVALID", t2 - t1, f ? f->n_items : 0);
    printf("resident after parse: %ld kB (peak %ld kB)\n", util_status_kb("VmRSS:"),
           util_status_kb("VmHWM:"));
    feed_destroy(f);

    int rounds = 200;
    t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < rounds; i++)
        free(text_normalise(article, alen, FEED_MAX_TEXT));
    t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    size_t hlen = alen + 64;
    char *html = xmalloc(hlen);
    hlen = (size_t)snprintf(html, hlen, "<div><p>%s</p></div>", article);
    for (int i = 0; i < rounds; i++)
        free(text_from_html(html, hlen, FEED_MAX_TEXT));
    t2 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("article %zu bytes: text_normalise %.1f us, text_from_html %.1f us\n", alen,
           (t1 - t0) * 1e3 / rounds, (t2 - t1) * 1e3 / rounds);
    free(html);
    free(json);
    free(body);
    free(article);
    return ok ? 0 : 1;
}
