/* metrics: the Prometheus text for a snapshot: every family with its HELP
 * and TYPE lines before its samples, names signage_*, label values
 * escaped, histogram buckets cumulative with +Inf equal to the count. */
#include "metrics.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static metrics_snapshot sample(void)
{
    metrics_snapshot s = {
        .version = "1.2.3",
        .now = 2000000100,
        .started = 2000000000,
        .feed_age = 42,
        .polls_ok = 7,
        .polls_unchanged = 30,
        .signature_refusals = 2,
        .items_shown = 11,
        .pages_shown = 19,
        .open = 3,
        .waiting = 1,
        .skipped = 2,
        .blocked = 1,
        .screen_on = true,
        .images_cached = 2,
        .texture_bytes = 123456,
        .write_seconds = 0.004,
    };
    s.polls_failed[SOURCE_FAIL_TIMEOUT] = 4;
    s.polls_failed[SOURCE_FAIL_HTTP] = 5;
    return s;
}

/* The value of the sample line that starts with key + " ", or -1. */
static double value(const char *text, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, k) == 0 && p[k] == ' ')
            return strtod(p + k + 1, NULL);
    return -1;
}

/* The family a sample line belongs to: its name less a histogram's
 * suffix. */
static void family_of(const char *line, char *out, size_t size)
{
    size_t n = strcspn(line, "{ ");
    snprintf(out, size, "%.*s", (int)n, line);
    const char *suffix[] = {"_bucket", "_sum", "_count"};
    for (int i = 0; i < 3; i++) {
        size_t m = strlen(suffix[i]), len = strlen(out);
        if (len > m && strcmp(out + len - m, suffix[i]) == 0 && strstr(line, "_seconds"))
            out[len - m] = '\0';
    }
}

/* Each sample follows "# HELP name ..." and "# TYPE name <type>" of its
 * own family; every name is signage_*; counters end in _total. */
static void test_shape(void)
{
    metrics_snapshot s = sample();
    char *text = metrics_format(&s);
    char help[128] = "", type[128] = "", kind[32] = "";
    int samples = 0, families = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "# HELP ", 7) == 0) {
            snprintf(help, sizeof help, "%.*s", (int)strcspn(line + 7, " "), line + 7);
            CHECKF(strlen(line) > 7 + strlen(help) + 1, "HELP without text: %s", line);
            families++;
        } else if (strncmp(line, "# TYPE ", 7) == 0) {
            CHECK(sscanf(line + 7, "%127s %31s", type, kind) == 2);
            CHECKF(strcmp(type, help) == 0, "TYPE %s after HELP %s", type, help);
            CHECKF(strcmp(kind, "gauge") == 0 || strcmp(kind, "counter") == 0 ||
                       strcmp(kind, "histogram") == 0,
                   "type %s", kind);
            CHECKF(strcmp(kind, "counter") != 0 || strstr(type, "_total"),
                   "counter %s without _total", type);
        } else {
            char fam[128];
            family_of(line, fam, sizeof fam);
            CHECKF(strncmp(line, "signage_", 8) == 0, "name: %s", line);
            CHECKF(strcmp(fam, type) == 0, "%s under # TYPE %s", line, type);
            samples++;
        }
    }
    CHECK(families >= 15);
    CHECK(samples > families);
    free(text);
}

static void test_values(void)
{
    metrics_snapshot s = sample();
    char *t = metrics_format(&s);
    CHECK(value(t, "signage_build_info{version=\"1.2.3\"}") == 1);
    CHECK(value(t, "signage_uptime_seconds") == 100);
    CHECK(value(t, "signage_start_time_seconds") == 2000000000.0);
    CHECK(value(t, "signage_fetch_total{result=\"ok\"}") == 7);
    CHECK(value(t, "signage_fetch_total{result=\"not_modified\"}") == 30);
    CHECK(value(t, "signage_fetch_total{result=\"failed\",kind=\"timeout\"}") == 4);
    CHECK(value(t, "signage_fetch_total{result=\"failed\",kind=\"http\"}") == 5);
    /* every kind is there from the start, at 0, so that rate() sees the
     * first failure */
    for (int k = 0; k < SOURCE_FAIL_KINDS; k++) {
        char key[128];
        snprintf(key, sizeof key, "signage_fetch_total{result=\"failed\",kind=\"%s\"}",
                 source_failure_name((source_failure)k));
        CHECKF(value(t, key) >= 0, "%s", key);
    }
    CHECK(value(t, "signage_signature_refusals_total") == 2);
    CHECK(value(t, "signage_feed_age_seconds") == 42);
    CHECK(value(t, "signage_items_shown_total") == 11);
    CHECK(value(t, "signage_pages_shown_total") == 19);
    CHECK(value(t, "signage_items{state=\"open\"}") == 3);
    CHECK(value(t, "signage_items{state=\"waiting\"}") == 1);
    CHECK(value(t, "signage_items{state=\"skipped\"}") == 2);
    CHECK(value(t, "signage_items_blocked") == 1);
    CHECK(value(t, "signage_screen_on") == 1);
    CHECK(value(t, "signage_images_cached") == 2);
    CHECK(value(t, "signage_texture_cache_bytes") == 123456);
    CHECK(value(t, "signage_metrics_write_seconds") == 0.004);
    CHECK(t[strlen(t) - 1] == '\n'); /* the last line ends too */
    free(t);
    /* Unknown: no feed yet, no write yet. */
    s.feed_age = -1;
    s.write_seconds = -1;
    s.screen_on = false;
    t = metrics_format(&s);
    CHECK(!strstr(t, "signage_feed_age_seconds"));
    CHECK(!strstr(t, "signage_metrics_write_seconds"));
    CHECK(value(t, "signage_screen_on") == 0);
    free(t);
}

static void test_escaping(void)
{
    metrics_snapshot s = sample();
    s.version = "2.0 \"rc\" C:\\dev\nnext";
    char *t = metrics_format(&s);
    CHECKF(value(t, "signage_build_info{version=\"2.0 \\\"rc\\\" C:\\\\dev\\nnext\"}") ==
               1,
           "%.200s", t);
    free(t);
}

/* Observations land in the first bucket whose bound they do not pass (le:
 * less or equal); the text's buckets are cumulative, +Inf = _count. */
static void test_histogram(void)
{
    metrics_snapshot s = sample();
    const double obs[] = {0.0005, 0.001, 0.0011, 0.05, 0.2, 5, -1};
    double sum = 0;
    for (size_t i = 0; i < sizeof obs / sizeof obs[0]; i++) {
        metrics_hist_add(&s.frame, obs[i]);
        sum += obs[i] > 0 ? obs[i] : 0;
    }
    metrics_hist_add(&s.layout, 0.02);
    char *t = metrics_format(&s);
    const char *le[] = {"0.001", "0.002", "0.004", "0.008",
                        "0.016", "0.033", "0.1",   "+Inf"};
    const double want[] = {3, 4, 4, 4, 4, 4, 5, 7}; /* -1 counts as 0 */
    double last = 0;
    for (int i = 0; i < 8; i++) {
        char key[96];
        snprintf(key, sizeof key, "signage_frame_seconds_bucket{le=\"%s\"}", le[i]);
        double v = value(t, key);
        CHECKF(v == want[i], "%s = %g, want %g", key, v, want[i]);
        CHECK(v >= last);
        last = v;
    }
    CHECK(value(t, "signage_frame_seconds_count") == 7);
    double got = value(t, "signage_frame_seconds_sum");
    CHECKF(got > sum - 1e-9 && got < sum + 1e-9, "sum %g want %g", got, sum);
    CHECK(value(t, "signage_layout_seconds_bucket{le=\"0.016\"}") == 0);
    CHECK(value(t, "signage_layout_seconds_bucket{le=\"0.033\"}") == 1);
    CHECK(value(t, "signage_layout_seconds_bucket{le=\"+Inf\"}") == 1);
    CHECK(value(t, "signage_layout_seconds_count") == 1);
    free(t);
}

int main(void)
{
    RUN(test_shape);
    RUN(test_values);
    RUN(test_escaping);
    RUN(test_histogram);
    return test_done("test_metrics");
}
