#include "test.h"
#include "util.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int test_failures;
int test_checks;
int test_skips;

void test_run(const char *name, void (*fn)(void))
{
    int checks = test_checks, failures = test_failures, skips = test_skips;
    fn();
    printf("%s: %d passed, %d failed%s\n", name,
           (test_checks - checks) - (test_failures - failures), test_failures - failures,
           test_skips > skips ? ", skipped in part" : "");
    fflush(stdout);
}

char *test_read_file(const char *path, size_t *len)
{
    size_t n;
    char *buf = read_file_capped(path, TEST_MAX_FILE, &n);
    if (buf && len)
        *len = n;
    return buf;
}

int test_done(const char *name)
{
    printf("%s: %d passed, %d failed", name, test_checks - test_failures, test_failures);
    if (test_skips)
        printf(", %d skipped", test_skips);
    putchar('\n');
    return test_failures ? 1 : test_skips ? 77 : 0;
}

int test_in_child(int (*fn)(void *), void *arg, unsigned seconds, const char *log_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (log_path && !freopen(log_path, "w", stderr))
            _exit(99);
        alarm(seconds);
        int rc = fn(arg);
        fflush(NULL);
        _exit(rc);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
