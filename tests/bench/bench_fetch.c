/* bench_fetch: a fleet of players polling one feed server with the player's
 * own fetch code (fetch.c), as tests/bench/fleet.sh runs it against nginx.
 *
 *   bench_fetch URL [players=200] [polls=20] [fresh]
 *
 * First one full GET (the feed must parse), then `players` threads, each
 * with its own keep-alive handle, doing `polls` conditional GETs back to
 * back. Prints requests per second over the whole fleet and the bytes one
 * unchanged poll costs on the wire (request + response), next to the cost
 * of a full download. With "fresh" every poll opens a new connection (a
 * player whose server closes idle connections between polls). Exits 1 if
 * any poll was not a 304. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "util.h"
#include "feed.h"
#include "fetch.h"
#include "log.h"

typedef struct {
    const char *url;
    const char *etag, *last_modified;
    int polls;
    bool fresh;
    long not_modified, other;
    long bytes_sent, bytes_received;
    double worst_ms;
} player;

static void *run_player(void *arg)
{
    player *p = arg;
    fetch *f = fetch_create();
    if (!f)
        return NULL;
    fetch_request req = {.url = p->url,
                         .etag = p->etag,
                         .last_modified = p->last_modified,
                         .kind = FETCH_KIND_JSON,
                         .connect_timeout_ms = 5000,
                         .total_timeout_ms = 10000};
    for (int i = 0; i < p->polls; i++) {
        if (p->fresh && i > 0) {
            fetch_destroy(f);
            f = fetch_create();
        }
        fetch_response r;
        double t0 = bench_ms(CLOCK_MONOTONIC) / 1e3;
        if (fetch_get(f, &req, &r) == FETCH_NOT_MODIFIED)
            p->not_modified++;
        else
            p->other++;
        double ms = (bench_ms(CLOCK_MONOTONIC) / 1e3 - t0) * 1000;
        p->worst_ms = ms > p->worst_ms ? ms : p->worst_ms;
        p->bytes_sent += r.bytes_sent;
        p->bytes_received += r.bytes_received;
        fetch_response_free(&r);
    }
    fetch_destroy(f);
    return NULL;
}

/* One full GET: the validators to poll with, and what a download costs. */
static bool first_get(const char *url, fetch_response *r)
{
    fetch *f = fetch_create();
    fetch_request req = {.url = url, .kind = FETCH_KIND_JSON};
    bool ok = f && fetch_get(f, &req, r) == FETCH_OK;
    fetch_destroy(f);
    if (!ok) {
        fprintf(stderr, "bench_fetch: %s: %s\n", url, r->error);
        return false;
    }
    feed *fd = feed_parse(r->body, r->len, url);
    if (!fd)
        return false;
    printf("feed: %zu items, %zu bytes decoded, %ld bytes on the wire (full GET)\n",
           fd->n_items, r->len, r->bytes_sent + r->bytes_received);
    feed_destroy(fd);
    if (!r->etag[0] && !r->last_modified[0]) {
        fprintf(stderr, "bench_fetch: the server sent no validators\n");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_fetch URL [players=200] [polls=20] [fresh]\n");
        return 2;
    }
    const char *url = argv[1];
    int players = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 200;
    int polls = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 20;
    bool fresh = argc > 4 && strcmp(argv[4], "fresh") == 0;
    if (players < 1 || players > 2000 || polls < 1 || polls > 100000) {
        fprintf(stderr, "bench_fetch: players 1..2000, polls 1..100000\n");
        return 2;
    }
    log_set_level(LOG_WARN);
    fetch_response first;
    if (!first_get(url, &first))
        return 1;
    player *p = xcalloc((size_t)players, sizeof *p);
    pthread_t *t = xcalloc((size_t)players, sizeof *t);
    double t0 = bench_ms(CLOCK_MONOTONIC) / 1e3;
    for (int i = 0; i < players; i++) {
        p[i] = (player){.url = url,
                        .etag = first.etag,
                        .last_modified = first.last_modified,
                        .polls = polls,
                        .fresh = fresh};
        if (pthread_create(&t[i], NULL, run_player, &p[i]) != 0)
            abort();
    }
    long nm = 0, other = 0, sent = 0, received = 0;
    double worst = 0;
    for (int i = 0; i < players; i++) {
        pthread_join(t[i], NULL);
        nm += p[i].not_modified;
        other += p[i].other;
        sent += p[i].bytes_sent;
        received += p[i].bytes_received;
        worst = p[i].worst_ms > worst ? p[i].worst_ms : worst;
    }
    double secs = bench_ms(CLOCK_MONOTONIC) / 1e3 - t0;
    long total = nm + other;
    printf("players: %d, polls each: %d, %s connections, requests: %ld in %.2f s\n",
           players, polls, fresh ? "fresh" : "kept-alive", total, secs);
    printf("requests per second: %.0f\n", (double)total / secs);
    printf("unchanged (304): %ld, other: %ld, slowest poll: %.1f ms\n", nm, other, worst);
    printf("bytes per unchanged poll: %.0f sent + %.0f received = %.0f (full GET: %ld)\n",
           (double)sent / (double)total, (double)received / (double)total,
           (double)(sent + received) / (double)total,
           first.bytes_sent + first.bytes_received);
    fetch_response_free(&first);
    free(p);
    free(t);
    return other == 0 ? 0 : 1;
}
