/* All 318 JSONTestSuite parsing cases through the feed loader: y_ must pass
 * the strict JSON check, n_ must fail it, i_ may go either way; none may
 * crash (ASan/UBSan builds run this too). None is a JSON Feed, so
 * feed_parse refuses them all. Also measures how many n_ files cJSON alone
 * would have taken, which is why feed_json_valid exists. */
#include "feed.h"
#include "log.h"
#include "test.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted file names in dir; *n is their count. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d)
        return NULL;
    size_t cap = 512;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !strstr(e->d_name, ".json"))
            continue;
        if (*n == cap)
            break;
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void test_suite(void)
{
    const char *dir = TEST_DATA_DIR "/jsontestsuite/test_parsing";
    size_t n;
    char **names = list_dir(dir, &n);
    CHECKF(n == 318, "%zu files in %s, want 318", n, dir);
    int y = 0, nn = 0, i_ok = 0, i_no = 0, cjson_n = 0, cjson_n_strict = 0;
    for (size_t k = 0; k < n; k++) {
        char path[2048];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        char *buf = test_read_file(path, &len);
        CHECKF(buf != NULL, "cannot read %s", path);
        if (!buf)
            continue;
        bool valid = feed_json_valid(buf, len);
        char kind = names[k][0];
        if (kind == 'y') {
            y++;
            CHECKF(valid, "refused %s", names[k]);
        } else if (kind == 'n') {
            nn++;
            CHECKF(!valid, "accepted %s", names[k]);
            cJSON *lenient = cJSON_ParseWithLengthOpts(buf, len, NULL, false);
            cJSON *strict = cJSON_ParseWithLengthOpts(buf, len, NULL, true);
            cjson_n += lenient != NULL;
            cjson_n_strict += strict != NULL;
            cJSON_Delete(lenient);
            cJSON_Delete(strict);
        } else {
            *(valid ? &i_ok : &i_no) += 1;
        }
        /* What passes the check must build a tree: the check is never more
         * lenient than cJSON. */
        if (valid) {
            cJSON *tree = cJSON_ParseWithLengthOpts(buf, len, NULL, false);
            CHECKF(tree != NULL, "cJSON refused %s after the check passed it", names[k]);
            cJSON_Delete(tree);
        }
        feed *f = feed_parse(buf, len, names[k]);
        CHECKF(f == NULL, "%s taken as a feed", names[k]);
        feed_destroy(f);
        free(buf);
        free(names[k]);
    }
    free(names);
    printf("jsontestsuite: %d y_ accepted, %d n_ refused, i_: %d accepted, %d refused\n",
           y, nn, i_ok, i_no);
    printf("jsontestsuite: cJSON alone accepts %d of %d n_ files (%d with "
           "require_null_terminated)\n",
           cjson_n, nn, cjson_n_strict);
    CHECK(y == 95 && nn == 188 && i_ok + i_no == 35);
}

/* Nesting: FEED_JSON_MAX_DEPTH levels pass, one more fails; a million
 * brackets neither recurse deep nor take long. */
static void test_depth(void)
{
    size_t big = 1000000;
    char *buf = xmalloc(2 * big + 1);
    int depth = FEED_JSON_MAX_DEPTH;
    memset(buf, '[', (size_t)depth);
    memset(buf + depth, ']', (size_t)depth);
    CHECK(feed_json_valid(buf, 2 * (size_t)depth));
    memset(buf, '[', (size_t)depth + 1);
    memset(buf + depth + 1, ']', (size_t)depth + 1);
    CHECK(!feed_json_valid(buf, 2 * (size_t)depth + 2));
    memset(buf, '[', big);
    memset(buf + big, ']', big);
    CHECK(!feed_json_valid(buf, 2 * big));
    CHECK(feed_parse(buf, 2 * big, "deep") == NULL);
    for (size_t i = 0; i < big; i++)
        buf[i] = i % 2 ? '{' : '[';
    CHECK(!feed_json_valid(buf, big));
    free(buf);
}

static void test_small(void)
{
    static const char *const yes[] = {
        "0",
        "-0.5e+10",
        "\"\\ud83d\\ude00\"",
        " {\"a\" : [ true , false , null ] } ",
        "\"\\u0000\"",
        "\"中文\"",
        "1E-2",
        "[[],{}]",
    };
    static const char *const no[] = {
        "",
        " ",
        "01",
        "1.",
        ".1",
        "+1",
        "[1,]",
        "{\"a\":1,}",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\t\"",
        "\"\\x41\"",
        "nul",
        "truex",
        "[1] [2]",
        "{'a':1}",
        "\xEF\xBB\xBF{}",
        "\"\xC0\xAF\"",
        "\"\xED\xA0\x80\"",
        "NaN",
        "[1 2]",
        "{\"a\" 1}",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECKF(feed_json_valid(yes[i], strlen(yes[i])), "refused %s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        CHECKF(!feed_json_valid(no[i], strlen(no[i])), "accepted %s", no[i]);
    CHECK(!feed_json_valid("[1]\0", 4));
    CHECK(feed_json_valid("[1]\0", 3));
    CHECK(!feed_json_valid(NULL, 0));
}

int main(void)
{
    /* 318 refusals are expected here: keep the log to errors. */
    log_set_level(LOG_ERROR);
    RUN(test_small);
    RUN(test_depth);
    RUN(test_suite);
    return test_done("jsontestsuite");
}
