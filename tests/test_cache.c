/* cache: atomic checksummed files, damage detection, directory choice. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "log.h"
#include "test.h"

static bool exists(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

/* Entries other than . and .. whose name starts with a dot (temp files). */
static int temp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void test_crc(void)
{
    CHECK(cache_crc32(0, "123456789", 9) == 0xCBF43926u); /* the standard check value */
    CHECK(cache_crc32(0, "", 0) == 0);
    CHECK(cache_crc32(cache_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
    char a[32], b[32];
    cache_name_for_url("http://x/a.png", "img-", a, sizeof a);
    cache_name_for_url("http://x/b.png", "img-", b, sizeof b);
    CHECK(strlen(a) == 20 && strncmp(a, "img-", 4) == 0 && strcmp(a, b) != 0);
    cache_name_for_url("http://x/a.png", "img-", b, sizeof b);
    CHECK(strcmp(a, b) == 0);
}

static void test_roundtrip(cache *c, const char *dir)
{
    const char data[] = "binary\0data\n\xff with a NUL";
    CHECK(cache_write(c, "one", data, sizeof data));
    char *got = NULL;
    size_t len = 0;
    CHECK(cache_read(c, "one", 1024, &got, &len));
    CHECK(got && len == sizeof data && memcmp(got, data, len) == 0 && got[len] == '\0');
    free(got);
    CHECK(cache_write(c, "one", "new", 3));
    CHECK(cache_read(c, "one", 1024, &got, &len) && len == 3 && strcmp(got, "new") == 0);
    free(got);
    CHECK(cache_write(c, "empty", "", 0));
    CHECK(cache_read(c, "empty", 1024, &got, &len) && len == 0);
    free(got);
    CHECK(temp_files(dir) == 0);
    struct stat st;
    char path[1200];
    CHECK(cache_path(c, "one", path, sizeof path) && stat(path, &st) == 0);
    CHECK(st.st_size == CACHE_HEADER_SIZE + 3);

    unsigned problems = log_problem_count();
    CHECK(!cache_read(c, "missing", 1024, &got, &len));
    CHECK(log_problem_count() == problems && !exists(dir, "missing.bad"));
    CHECK(!cache_write(c, "../escape", "x", 1));
    CHECK(!cache_write(c, "a/b", "x", 1));
    CHECK(!cache_write(c, "", "x", 1));
    cache_remove(c, "empty");
    CHECK(!exists(dir, "empty"));
}

/* Writes a payload, damages the file with `damage`, and checks it is
 * refused and moved aside. */
static void check_damage(cache *c, const char *dir, const char *name, int damage)
{
    char payload[4096];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (char)('a' + i % 26);
    CHECK(cache_write(c, name, payload, sizeof payload));
    char path[1200];
    cache_path(c, name, path, sizeof path);
    if (damage == 0) { /* cut in half */
        CHECK(truncate(path, (CACHE_HEADER_SIZE + sizeof payload) / 2) == 0);
    } else if (damage == 1) { /* one byte flipped */
        FILE *fp = fopen(path, "r+b");
        fseek(fp, CACHE_HEADER_SIZE + 1000, SEEK_SET);
        fputc('#', fp);
        fclose(fp);
    } else { /* a plain file without the header */
        FILE *fp = fopen(path, "wb");
        fputs("{\"version\": \"https://jsonfeed.org/version/1.1\"}", fp);
        fclose(fp);
    }
    unsigned problems = log_problem_count();
    char *got = NULL;
    size_t len;
    CHECKF(!cache_read(c, name, 1 << 20, &got, &len), "damage %d read", damage);
    CHECKF(exists(dir, name) == false, "damage %d: file still there", damage);
    char bad[CACHE_MAX_NAME + 8];
    snprintf(bad, sizeof bad, "%s.bad", name);
    CHECKF(exists(dir, bad), "damage %d: no .bad", damage);
    CHECK(log_problem_count() == problems + 1);
    CHECK(!cache_check(c, name)); /* now missing */
}

static void test_caps(cache *c, const char *dir)
{
    char big[2000] = {0};
    CHECK(cache_write(c, "big", big, sizeof big));
    CHECK(cache_check(c, "big"));
    char *got;
    size_t len;
    CHECK(!cache_read(c, "big", 1000, &got, &len)); /* over the caller's cap */
    CHECK(exists(dir, "big.bad"));
}

static void test_default_dir(void)
{
    char out[1024];
    unsetenv("INVOCATION_ID");
    setenv("HOME", "/home/someone", 1);
    setenv("XDG_CACHE_HOME", "/xdg/cache", 1);
    CHECK(cache_default_dir(out, sizeof out) &&
          strcmp(out, "/xdg/cache/signage-player") == 0);
    unsetenv("XDG_CACHE_HOME");
    CHECK(cache_default_dir(out, sizeof out) &&
          strcmp(out, "/home/someone/.cache/signage-player") == 0);
    setenv("XDG_CACHE_HOME", "relative/ignored", 1);
    CHECK(cache_default_dir(out, sizeof out) &&
          strcmp(out, "/home/someone/.cache/signage-player") == 0);
    setenv("INVOCATION_ID", "0123abcd", 1);
    CHECK(cache_default_dir(out, sizeof out) &&
          strcmp(out, "/var/cache/signage-player") == 0);
    unsetenv("INVOCATION_ID");
    unsetenv("HOME");
    unsetenv("XDG_CACHE_HOME");
    CHECK(cache_default_dir(out, sizeof out) &&
          strcmp(out, "/var/cache/signage-player") == 0);
    CHECK(!cache_default_dir(out, 8)); /* does not fit */
}

/* Each hardening test below reads the log a forked child wrote. */
static bool log_has(const char *log_path, const char *needle)
{
    char *text = test_read_file(log_path, NULL);
    bool found = text && strstr(text, needle);
    if (!found)
        fprintf(stderr, "log %s lacks '%s': %s\n", log_path, needle, text ? text : "");
    free(text);
    return found;
}

static int read_fifo_entry(void *arg)
{
    cache *c = arg;
    char *got = NULL;
    size_t len;
    bool ok = cache_read(c, "fifo", 1024, &got, &len);
    free(got);
    return ok ? 1 : 0;
}

/* A FIFO where the cached feed or an image is must not block the read. */
static void test_fifo_entry(const char *base)
{
    char dir[300], fifo[400], log_path[300];
    snprintf(dir, sizeof dir, "%s/fifo-cache", base);
    snprintf(log_path, sizeof log_path, "%s/fifo.log", base);
    cache *c = cache_create(dir);
    CHECK(c != NULL);
    if (!c)
        return;
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0644) == 0);
    CHECK(test_in_child(read_fifo_entry, c, 5, log_path) == 0);
    CHECK(log_has(log_path, "not a regular file"));
    cache_destroy(c);
}

static void touch(const char *dir, const char *name, time_t age)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs("left over", fp);
        fclose(fp);
    }
    struct timeval tv[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    CHECK(utimes(path, tv) == 0);
}

/* Temp files of writes killed halfway are removed at start, but only ours
 * and only old ones: another player may be writing into the same folder. */
static void test_stale_temps(const char *base)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/stale", base);
    CHECK(mkdir(dir, 0755) == 0);
    touch(dir, ".feed.AbC123", 2 * CACHE_TEMP_STALE);
    touch(dir, ".img-0123456789abcdef.x9Y8z7", 100000);
    touch(dir, ".feed.Fresh1", 0);
    touch(dir, ".notes", 100000);
    touch(dir, ".feed.bad", 100000);
    touch(dir, "feed", 100000);
    cache *c = cache_create(dir);
    CHECK(c != NULL);
    CHECK(!exists(dir, ".feed.AbC123") && !exists(dir, ".img-0123456789abcdef.x9Y8z7"));
    CHECK(exists(dir, ".feed.Fresh1") && exists(dir, ".notes") &&
          exists(dir, ".feed.bad"));
    CHECK(exists(dir, "feed"));
    cache_destroy(c);
}

static int create_on_file(void *arg)
{
    cache *c = cache_create(arg);
    cache_destroy(c);
    return c ? 1 : 0;
}

/* A cache_dir that is a file is named as such, not "Permission denied". */
static void test_dir_is_file(const char *base)
{
    char file[300], log_path[300];
    snprintf(file, sizeof file, "%s/plain-file", base);
    snprintf(log_path, sizeof log_path, "%s/file.log", base);
    touch(base, "plain-file", 0);
    CHECK(test_in_child(create_on_file, file, 5, log_path) == 0);
    CHECK(log_has(log_path, "is not a directory"));
}

int main(void)
{
    char base[] = "/tmp/test_cache.XXXXXX";
    if (!mkdtemp(base))
        return 1;
    char dir[256], file[256], under_file[300];
    snprintf(dir, sizeof dir, "%s/a/b/cache", base);
    snprintf(file, sizeof file, "%s/plain", base);
    snprintf(under_file, sizeof under_file, "%s/sub", file);

    RUN(test_crc);
    cache *c = cache_create(dir); /* creates the parents */
    CHECK(c != NULL);
    CHECK(c && strcmp(cache_dir(c), dir) == 0);
    if (c) {
        test_roundtrip(c, dir);
        check_damage(c, dir, "cut", 0);
        check_damage(c, dir, "flipped", 1);
        check_damage(c, dir, "plain", 2);
        test_caps(c, dir);
    }
    cache_destroy(c);
    cache_destroy(NULL);

    FILE *fp = fopen(file, "w");
    if (fp)
        fclose(fp);
    CHECK(cache_create(under_file) == NULL); /* a file is in the way */
    CHECK(cache_create("") == NULL);

    RUN(test_default_dir);
    test_fifo_entry(base);
    test_stale_temps(base);
    test_dir_is_file(base);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", base);
    return test_done("test_cache");
}
