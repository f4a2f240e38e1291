/* replay: runs a libFuzzer harness's LLVMFuzzerTestOneInput on files, so
 * every harness builds without clang too and CTest replays its corpus and
 * regression inputs (under ASan in the sanitizer build). Each argument is
 * a file or a folder (its regular files, not recursive); a path that does
 * not exist is skipped (a harness with no regression input yet has no
 * folder). A crash is the harness's own abort or a sanitizer report; exit
 * 1 when a file cannot be read or no input was found at all. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_BYTES (1024 * 1024)

static bool replay_file(const char *path)
{
    size_t len;
    char *data = read_file_capped(path, REPLAY_MAX_BYTES, &len);
    if (!data) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return false;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return true;
}

/* Every regular file in dir; *n counts them. */
static bool replay_dir(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        ok = replay_file(path) && ok;
        (*n)++;
    }
    closedir(d);
    return ok;
}

int main(int argc, char **argv)
{
    bool ok = true;
    int n = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no %s, skipped\n", argv[i]);
        } else if (S_ISDIR(st.st_mode)) {
            ok = replay_dir(argv[i], &n) && ok;
        } else {
            ok = replay_file(argv[i]) && ok;
            n++;
        }
    }
    fprintf(stderr, "replay: %d inputs\n", n);
    return ok && n > 0 ? 0 : 1;
}
