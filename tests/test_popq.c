/* popq: the proof-of-play queue's file: append, batches, ack, the cap, a
 * torn last line, and what a restart reads back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "popq.h"
#include "test.h"

static char dir[] = "/tmp/test_popq.XXXXXX";
static char path[256];

static void rec(char *out, size_t size, int i)
{
    snprintf(out, size, "{\"item\":\"a%d\",\"page\":1}", i);
}

static void append_n(popq *q, int from, int to)
{
    char r[64];
    for (int i = from; i < to; i++) {
        rec(r, sizeof r, i);
        CHECK(popq_append(q, r));
    }
}

/* The file's lines. */
static int file_lines(void)
{
    size_t len;
    char *t = test_read_file(path, &len);
    int n = 0;
    for (size_t i = 0; t && i < len; i++)
        n += t[i] == '\n';
    free(t);
    return n;
}

static void test_append_sync_reopen(void)
{
    unlink(path);
    popq *q = popq_open(path, 100);
    CHECK(popq_count(q) == 0);
    append_n(q, 0, 5);
    CHECK(popq_unsynced(q) == 5);
    CHECK(file_lines() == 0); /* nothing written before the sync */
    CHECK(popq_sync(q));
    CHECK(popq_unsynced(q) == 0 && file_lines() == 5);
    append_n(q, 5, 7);
    CHECK(popq_sync(q) && file_lines() == 7); /* appended, not rewritten twice */
    popq_close(q);
    q = popq_open(path, 100);
    CHECK(popq_count(q) == 7 && popq_unsynced(q) == 0);
    CHECK(strcmp(popq_get(q, 0), "{\"item\":\"a0\",\"page\":1}") == 0);
    CHECK(strcmp(popq_get(q, 6), "{\"item\":\"a6\",\"page\":1}") == 0);
    CHECK(popq_get(q, 7) == NULL);
    popq_close(q);
}

static void test_ack(void)
{
    unlink(path);
    popq *q = popq_open(path, 100);
    append_n(q, 0, 6);
    popq_sync(q);
    popq_ack(q, 4);
    CHECK(popq_count(q) == 2);
    CHECK(strcmp(popq_get(q, 0), "{\"item\":\"a4\",\"page\":1}") == 0);
    append_n(q, 6, 7);
    CHECK(popq_sync(q) && file_lines() == 3); /* rewritten without the acked */
    popq_ack(q, 99);
    CHECK(popq_count(q) == 0 && popq_sync(q) && file_lines() == 0);
    popq_close(q);
}

static void test_cap(void)
{
    unlink(path);
    popq *q = popq_open(path, 3);
    append_n(q, 0, 5);
    CHECK(popq_count(q) == 3 && popq_dropped(q) == 2);
    CHECK(strcmp(popq_get(q, 0), "{\"item\":\"a2\",\"page\":1}") == 0); /* oldest gone */
    CHECK(popq_sync(q) && file_lines() == 3);
    popq_close(q);
    /* A smaller cap on reopening keeps the newest. */
    q = popq_open(path, 2);
    CHECK(popq_count(q) == 2 && popq_dropped(q) == 1);
    CHECK(strcmp(popq_get(q, 0), "{\"item\":\"a3\",\"page\":1}") == 0);
    popq_close(q);
}

static void test_torn_line(void)
{
    unlink(path);
    FILE *f = fopen(path, "w");
    fputs("{\"item\":\"a0\",\"page\":1}\nnot json\n\n{\"item\":\"a1\",\"page\":2}\n"
          "{\"item\":\"a2\",\"pa",
          f);
    fclose(f);
    popq *q = popq_open(path, 100);
    CHECK(popq_count(q) == 2); /* the junk and the torn last line skipped */
    CHECK(strcmp(popq_get(q, 1), "{\"item\":\"a1\",\"page\":2}") == 0);
    append_n(q, 3, 4);
    CHECK(popq_sync(q) && file_lines() == 3); /* rewritten: no record glued to junk */
    popq_close(q);
    q = popq_open(path, 100);
    CHECK(popq_count(q) == 3);
    CHECK(strcmp(popq_get(q, 2), "{\"item\":\"a3\",\"page\":1}") == 0);
    popq_close(q);
}

static void test_refused(void)
{
    unlink(path);
    popq *q = popq_open(path, 10);
    CHECK(!popq_append(q, "{\"a\":1}\n{\"b\":2}"));
    char *big = malloc(POPQ_MAX_LINE + 2);
    memset(big, 'x', POPQ_MAX_LINE + 1);
    big[POPQ_MAX_LINE + 1] = '\0';
    CHECK(!popq_append(q, big));
    free(big);
    CHECK(popq_count(q) == 0);
    popq_close(q);
    popq_close(NULL);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/%s", dir, POPQ_FILE);
    RUN(test_append_sync_reopen);
    RUN(test_ack);
    RUN(test_cap);
    RUN(test_torn_line);
    RUN(test_refused);
    unlink(path);
    rmdir(dir);
    return test_done("test_popq");
}
