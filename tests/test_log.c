#define LOG_MODULE "test"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "test.h"

/* What fn logs on stderr, read back from a temp file. */
static void captured(void (*fn)(void), char *out, size_t size)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, size - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void log_enoent(void)
{
    errno = ENOENT;
    LOG_ERRNO("cannot open %s", "x.ini");
}

int main(void)
{
    enum log_level lv;
    CHECK(log_level_from_name("debug", &lv) && lv == LOG_DEBUG);
    CHECK(!log_level_from_name("loud", &lv));
    unsigned before = log_problem_count();
    LOG_WARN("a warning for the count");
    LOG_INFO("not a problem");
    CHECK(log_problem_count() == before + 1);

    char line[256];
    captured(log_enoent, line, sizeof line);
    CHECKF(strcmp(line, "signage-player: error: test: cannot open x.ini: "
                        "No such file or directory\n") == 0,
           "%s", line);
    CHECK(log_problem_count() == before + 2);
    return test_done("log");
}
