/* buf: the cap holds exactly, a refused addition changes nothing, the bytes
 * stay NUL-terminated, and arrays grow to what is asked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "test.h"

static void test_cap(void)
{
    buf b;
    buf_init(&b, 10);
    CHECK(buf_add(&b, "hello", 5));
    CHECK(buf_add(&b, "", 0));
    CHECK(!buf_add(&b, "world!", 6)); /* 11 > 10 */
    CHECK(b.len == 5 && strcmp(b.p, "hello") == 0);
    CHECK(buf_add(&b, "world", 5)); /* exactly 10 */
    CHECK(!buf_add(&b, "x", 1));
    CHECK(b.cap <= 11); /* never more than the cap needs */
    size_t len;
    char *s = buf_take(&b, &len);
    CHECK(len == 10 && strcmp(s, "helloworld") == 0);
    CHECK(b.p == NULL && b.len == 0 && b.max == 10);
    free(s);
    s = buf_take(&b, &len); /* empty: "" */
    CHECK(len == 0 && s[0] == '\0');
    free(s);
    buf_free(&b);
}

static void test_large(void)
{
    buf b;
    buf_init(&b, SIZE_MAX);
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; i < 1000; i++)
        CHECK(buf_add(&b, chunk, sizeof chunk));
    CHECK(b.len == 1000000 && b.p[b.len] == '\0' && b.p[999999] == 'a');
    buf_free(&b);
    CHECK(b.p == NULL && b.len == 0);
}

static void test_grow(void)
{
    int *v = NULL;
    size_t cap = 0;
    for (int i = 0; i < 1000; i++) {
        v = buf_grow(v, &cap, (size_t)i + 1, sizeof *v);
        v[i] = i;
    }
    CHECK(cap >= 1000 && cap < 2048);
    CHECK(v[0] == 0 && v[999] == 999);
    int *same = buf_grow(v, &cap, 10, sizeof *v);
    CHECK(same == v);
    free(v);
}

int main(void)
{
    RUN(test_cap);
    RUN(test_large);
    RUN(test_grow);
    return test_done("buf");
}
