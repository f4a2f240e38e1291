/* watch: tells the loop that the config file may have changed, so that it
 * is read again without a restart. Two causes: inotify on the file's
 * directory, filtered to its name (an editor that writes a new file and
 * renames it over the old one is seen as well as one that writes in place),
 * and SIGHUP. A thread of its own waits for either and calls wake (the app
 * pushes an SDL user event, as source's worker does). One watch per
 * process (SIGHUP has one handler). */
#pragma once
#include <stdbool.h>

typedef struct watch watch;

typedef void (*watch_wake_fn)(void *ctx);

/* Watches path (a file). NULL (logged) when neither inotify nor the signal
 * handler can be set up, or another watch exists. */
watch *watch_create(const char *path, watch_wake_fn wake, void *ctx);
void watch_destroy(watch *w);

/* True once after the file changed or SIGHUP came since the last call.
 * Main thread. */
bool watch_changed(watch *w);
