/* The command line of the real binary: --help, --version, --check-config
 * and its exit codes, the start-up refusal of a bad config, the log levels
 * and the journal's priority prefixes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static const char *player;
static char tmp[64];
static char out_path[128];
static char *out; /* what the last run() wrote, stdout and stderr */

/* Runs the player with args, both streams into out_path; its exit code. */
static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "timeout 60 %s %s >%s 2>&1", player, args, out_path);
    int rc = system(cmd);
    free(out);
    out = test_read_file(out_path, NULL);
    if (!out)
        out = calloc(1, 1);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void write_file(const char *name, const char *text, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", tmp, name);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

static int count_lines(const char *s, size_t *longest)
{
    int n = 0;
    *longest = 0;
    for (const char *p = s; *p; n++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > *longest)
            *longest = len;
        p += len + (nl != NULL);
    }
    return n;
}

static void test_help_version(void)
{
    size_t longest;
    CHECK(run("--help") == 0);
    int lines = count_lines(out, &longest);
    CHECKF(lines <= 24 && longest <= 80, "%d lines, longest %zu", lines, longest);
    CHECK(strstr(out, "--check-config") && strstr(out, "-c, --config FILE"));
    char *help = strdup(out);
    CHECK(run("-h") == 0 && strcmp(out, help) == 0);
    free(help);
    CHECK(run("-V") == 0 && strncmp(out, "signage-player ", 15) == 0);
    CHECK(run("--version") == 0 && strncmp(out, "signage-player ", 15) == 0);
    CHECK(run("--no-such-option") == 2 && strstr(out, "--help"));
    CHECK(run("--wait") == 2);
    CHECK(run("--window 12") == 2 && strstr(out, "bad size '12'"));
    CHECK(run("stray") == 2 && strstr(out, "unexpected argument 'stray'"));
}

static const char bad_ini[] = "[player]\n"
                              "feed_ulr = https://e.org/f.json\n"
                              "time_zone = CST\n"
                              "[timing]\n"
                              "page_min = 0\n"
                              "[text]\n"
                              "font_bold = /nonexistent/bold.otf\n";

static void expect_bad_ini_errors(const char *ini)
{
    const char *want[] = {
        ":2: unknown key 'feed_ulr' in [player]; did you mean 'feed'?",
        ":3: player.time_zone: 'CST' is not an IANA zone name; did you mean "
        "Asia/Shanghai, "
        "America/Chicago",
        ":5: timing.page_min: read '0', out of range: expected a whole number from 1 to "
        "3600 (seconds)",
        ":7: text.font_bold: cannot read /nonexistent/bold.otf: No such file or "
        "directory",
    };
    char line[512];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(line, sizeof line, "%s%s", ini, want[i]);
        CHECKF(strstr(out, line), "'%s' not in:\n%s", line, out);
    }
}

static void test_check_config(void)
{
    char ini[256], args[600];
    snprintf(args, sizeof args, "--check-config %s/config/player.ini", TEST_SOURCE_DIR);
    CHECKF(run(args) == 0 && strstr(out, "player.ini: 0 errors, 0 warnings"), "%s", out);
    snprintf(args, sizeof args, "-c %s/config/player.ini --check-config",
             TEST_SOURCE_DIR);
    CHECK(run(args) == 0);

    write_file("bad.ini", bad_ini, ini, sizeof ini);
    snprintf(args, sizeof args, "--check-config %s", ini);
    CHECK(run(args) == 1);
    expect_bad_ini_errors(ini);
    CHECKF(strstr(out, "bad.ini: 4 errors, 1 warning\n"), "%s", out);
    snprintf(args, sizeof args, "--check-config -c %s", ini);
    CHECK(run(args) == 1);
    snprintf(args, sizeof args, "--check-config %s/none.ini", tmp);
    CHECK(run(args) == 1 && strstr(out, "none.ini: No such file"));

    /* The player at start: the same checks, every error, no window. */
    snprintf(args, sizeof args, "--config %s --snapshot %s/never", ini, tmp);
    CHECK(run(args) == 2);
    expect_bad_ini_errors(ini);
    CHECK(strstr(out, "4 errors in") && strstr(out, "not starting"));
    snprintf(args, sizeof args, "%s/never", tmp);
    CHECK(access(args, F_OK) != 0);

    /* A missing local feed is a warning: the file may appear later. */
    write_file("later.ini", "[player]\nfeed = later.json\n", ini, sizeof ini);
    snprintf(args, sizeof args, "--check-config %s", ini);
    CHECKF(run(args) == 0 &&
               strstr(out, "later.ini:2: warning: player.feed: cannot read"),
           "%s", out);
}

/* Runs the player on a config that gives a warning, with stderr a file
 * whose device and inode are in JOURNAL_STREAM when `journal`. */
static void run_logging(const char *opts, bool journal)
{
    char ini[256], text[512], log_path[256], cmd[2048];
    snprintf(text, sizeof text,
             "[player]\nfeed = missing.json\ncache_dir = %s/cache\nlog_level = info\n",
             tmp);
    write_file("log.ini", text, ini, sizeof ini);
    snprintf(log_path, sizeof log_path, "%s/journal.log", tmp);
    FILE *fp = fopen(log_path, "w");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0)
        return;
    fclose(fp);
    snprintf(text, sizeof text, "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino + (journal ? 0 : 1));
    setenv("JOURNAL_STREAM", text, 1);
    snprintf(cmd, sizeof cmd,
             "timeout 120 %s %s --config %s --layout-dump --wait 0 --size 640x360 "
             ">/dev/null 2>>%s",
             player, opts, ini, log_path);
    CHECKF(system(cmd) == 0, "%s", cmd);
    unsetenv("JOURNAL_STREAM");
    free(out);
    out = test_read_file(log_path, NULL);
    if (!out)
        out = calloc(1, 1);
}

static void test_logging(void)
{
    run_logging("", true);
    CHECKF(strstr(out, "<4>warn: config: ") && strstr(out, "<6>info: "), "%s", out);
    CHECKF(!strstr(out, "signage-player: ") && !strstr(out, "<7>"), "%s", out);
    run_logging("", false); /* the variable inherited, stderr elsewhere */
    CHECKF(strstr(out, "signage-player: warn: config: ") && !strstr(out, "<4>"), "%s",
           out);
    run_logging("-q", true);
    CHECKF(strstr(out, "<4>warn: ") && !strstr(out, "<6>info: "), "%s", out);
    run_logging("--verbose", true);
    CHECKF(strstr(out, "<7>debug: "), "%s", out);
}

int main(void)
{
    player = getenv("SIGNAGE_PLAYER");
    if (!player) {
        SKIP("SIGNAGE_PLAYER is not set: run through ctest");
        return test_done("cli");
    }
    snprintf(tmp, sizeof tmp, "/tmp/test_cli.XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    snprintf(out_path, sizeof out_path, "%s/out.txt", tmp);
    RUN(test_help_version);
    RUN(test_check_config);
    RUN(test_logging);
    free(out);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmp);
    return test_done("cli");
}
