/* bench_feed_memory: what a hostile or large feed costs in memory, and
 * whether it is given back. Parses on a second thread, as the fetch worker
 * does (its own malloc arena), then lets a 2-item feed replace it, and
 * prints the resident memory at start, the peak during the parse and what
 * is left after.
 * Usage: bench_feed_memory */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "util.h"

#define HEAD                                                                             \
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["

static bool reset_peak(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    return fp && fputs("5", fp) >= 0 && fclose(fp) == 0;
}

typedef int (*item_fn)(char *out, size_t size, int i);

static int zero(char *out, size_t size, int i)
{
    return snprintf(out, size, "%s0", i ? "," : "");
}

static int empty_object(char *out, size_t size, int i)
{
    return snprintf(out, size, "%s{}", i ? "," : "");
}

static int text_item(char *out, size_t size, int i)
{
    char text[401];
    for (int k = 0; k < 400; k++)
        text[k] = (char)('0' + k % 10);
    text[400] = '\0';
    return snprintf(out, size, "%s{\"id\":\"%d\",\"content_text\":\"%s\"}", i ? "," : "",
                    i, text);
}

/* Just under FEED_MAX_BYTES of items, each written by item(). */
static char *make_feed(item_fn item, size_t *len)
{
    size_t cap = FEED_MAX_BYTES, n = strlen(HEAD);
    char *buf = xmalloc(cap);
    memcpy(buf, HEAD, n);
    for (int i = 0; n + 600 < cap; i++)
        n += (size_t)item(buf + n, cap - n, i);
    memcpy(buf + n, "]}", 3);
    *len = n + 2;
    return buf;
}

typedef struct {
    const char *json;
    size_t len;
    feed *out;
} job;

static void *parse_thread(void *arg)
{
    job *j = arg;
    j->out = feed_parse(j->json, j->len, "bench");
    return NULL;
}

/* feed_parse on a new thread, like the fetch worker. */
static feed *parse_elsewhere(const char *json, size_t len)
{
    job j = {json, len, NULL};
    pthread_t t;
    if (pthread_create(&t, NULL, parse_thread, &j) != 0)
        abort();
    pthread_join(t, NULL);
    return j.out;
}

static void run(const char *name, item_fn item)
{
    size_t len;
    char *json = make_feed(item, &len);
    static const char small[] = HEAD "{\"id\":\"a\",\"content_text\":\"x\"},"
                                     "{\"id\":\"b\",\"content_text\":\"y\"}]}";
    bool peak_ok = reset_peak();
    long base = util_status_kb("VmRSS:");
    feed *f = parse_elsewhere(json, len);
    long peak = util_status_kb("VmHWM:");
    size_t kept = f ? f->n_items : 0;
    feed *g = parse_elsewhere(small, sizeof small - 1);
    feed_destroy(f); /* the old feed goes after the new one is in */
    long after = util_status_kb("VmRSS:");
    feed_destroy(g);
    printf("%-28s %.1f MB, %6zu items kept: RSS %ld kB at start, peak %+ld kB%s, "
           "after a 2-item feed %+ld kB\n",
           name, (double)len / 1e6, kept, base, peak - base,
           peak_ok ? "" : " (peak not reset)", after - base);
    free(json);
}

/* What the trim in feed_destroy costs on a small feed (it runs once per
 * feed change). */
static void time_destroy(void)
{
    static const char small[] = HEAD "{\"id\":\"a\",\"content_text\":\"x\"}]}";
    double total = 0;
    int rounds = 1000;
    for (int i = 0; i < rounds; i++) {
        feed *f = feed_parse(small, sizeof small - 1, "bench");
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        feed_destroy(f);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        total += (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
                 (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
    }
    printf("feed_destroy of a 1-item feed, memory trim included: %.1f us (mean of %d)\n",
           total / rounds, rounds);
}

int main(void)
{
    run("items of zeros", zero);
    run("items of empty objects", empty_object);
    run("items with 400 B of text", text_item);
    time_destroy();
    return 0;
}
