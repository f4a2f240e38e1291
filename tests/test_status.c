/* status: the JSON it writes, the atomic replace, and --status's stale
 * check against a pid that has exited and a write that is overdue. */
#define LOG_MODULE "test"
#include "log.h"
#include "status.h"
#include "test.h"

#include <cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/test_status-XXXXXX";

static status_info sample(long pid, int64_t now)
{
    static const status_item shown[] = {{"a", NULL}, {"b", NULL}};
    static const status_item skipped[] = {{"c", "ended (_signage.end has passed)"}};
    status_info s = {
        .pid = pid,
        .now = now,
        .started = now - 30,
        .expect_before = now + 10,
        .width = 1920,
        .height = 1080,
        .driver = "dummy",
        .renderer = "software",
        .item_id = "a",
        .page = 2,
        .pages = 3,
        .screen_on = true,
        .feed = "/srv/feed.json",
        .src = {.result = SOURCE_OK, .last_attempt = now - 5, .last_success = now - 5},
        .cache_age = 5,
        .n_shown = 2,
        .n_skipped = 4,
        .shown = shown,
        .skipped = skipped,
        .listed_shown = 2,
        .listed_skipped = 1,
    };
    snprintf(s.src.message, sizeof s.src.message, "new feed");
    return s;
}

static void test_format(void)
{
    status_info s = sample(1234, 1000000);
    char *text = status_format(&s);
    cJSON *o = cJSON_Parse(text);
    CHECK(o != NULL);
    CHECK(cJSON_GetObjectItem(o, "uptime")->valueint == 30);
    CHECK(cJSON_GetObjectItem(o, "pid")->valueint == 1234);
    cJSON *scr = cJSON_GetObjectItem(o, "screen");
    CHECK(cJSON_GetObjectItem(scr, "width")->valueint == 1920);
    CHECK(strcmp(cJSON_GetObjectItem(scr, "renderer")->valuestring, "software") == 0);
    cJSON *cur = cJSON_GetObjectItem(o, "current");
    CHECK(strcmp(cJSON_GetObjectItem(cur, "item")->valuestring, "a") == 0);
    CHECK(cJSON_GetObjectItem(cur, "page")->valueint == 2);
    cJSON *fd = cJSON_GetObjectItem(o, "feed");
    CHECK(strcmp(cJSON_GetObjectItem(fd, "result")->valuestring, "ok") == 0);
    CHECK(cJSON_GetObjectItem(fd, "cache_age")->valueint == 5);
    cJSON *sk = cJSON_GetObjectItem(o, "skipped");
    CHECK(cJSON_GetObjectItem(sk, "count")->valueint == 4);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(sk, "items"), 0);
    CHECK(strstr(cJSON_GetObjectItem(first, "why")->valuestring, "ended") != NULL);
    cJSON_Delete(o);
    free(text);
}

static int files_in(const char *path)
{
    int n = 0;
    DIR *d = opendir(path);
    for (struct dirent *de; d && (de = readdir(d));)
        n += de->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void test_write_replaces(void)
{
    char path[300], sub[256];
    snprintf(sub, sizeof sub, "%s/rt", dir);
    snprintf(path, sizeof path, "%s/status.json", sub);
    CHECK(status_write(path, "{\"one\": 1}"));
    CHECK(status_write(path, "{\"two\": 2}")); /* the folder made once, then replaced */
    size_t len;
    char *back = test_read_file(path, &len);
    CHECK(back && strcmp(back, "{\"two\": 2}") == 0);
    free(back);
    CHECK(files_in(sub) == 1); /* no temp file left */
    CHECK(!status_write("/proc/no/such/dir/status.json", "{}"));
}

/* The metrics file's write: durable, 0644 whatever the umask (node_exporter
 * runs as another user), and a failure says why in errno without a log
 * line (its caller logs once). */
static void test_replace_durable(void)
{
    char path[300], blocker[300];
    snprintf(path, sizeof path, "%s/m/signage.prom", dir);
    mode_t old = umask(077);
    CHECK(status_replace(path, "a 1\n", true));
    umask(old);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    snprintf(blocker, sizeof blocker, "%s/afile", dir);
    CHECK(status_replace(blocker, "x", true));
    snprintf(path, sizeof path, "%s/afile/signage.prom", dir); /* under a file */
    unsigned logged = log_problem_count();
    errno = 0;
    CHECK(!status_replace(path, "a 1\n", true));
    CHECK(errno == ENOTDIR);
    CHECK(log_problem_count() == logged);
}

static int show(const status_info *s, char *out, size_t size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/show.json", dir);
    char *text = status_format(s);
    status_write(path, text);
    free(text);
    FILE *f = fmemopen(out, size, "w");
    int rc = status_show(path, s->now + 2, f);
    fclose(f);
    return rc;
}

static void test_stale(void)
{
    char out[4096];
    status_info s = sample((long)getpid(), 2000000);
    CHECK(show(&s, out, sizeof out) == 0);
    CHECK(strstr(out, "a, page 2 of 3") && !strstr(out, "STALE"));
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    s.pid = child; /* exited and reaped */
    CHECK(show(&s, out, sizeof out) == 1);
    CHECK(strstr(out, "STALE: the player that wrote it is not running") != NULL);
    s.pid = (long)getpid();
    s.expect_before = s.now - 120; /* a running pid, a write overdue */
    CHECK(show(&s, out, sizeof out) == 1);
    CHECK(strstr(out, "STALE") != NULL);
    FILE *f = fmemopen(out, sizeof out, "w");
    CHECK(status_show("/nonexistent/status.json", 0, f) == 2);
    fclose(f);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    RUN(test_format);
    RUN(test_write_replaces);
    RUN(test_replace_durable);
    RUN(test_stale);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return test_done("test_status");
}
