/* fleet: the proof-of-play record's JSON, and no reporting without a URL.
 * The worker itself runs against a real server in tests/fleet_report.py. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "popq.h"
#include "test.h"

static void test_record(void)
{
    char *r = fleet_record("通知 \"1\"\n", 2, true, 1764650000, 8002);
    CHECK(strchr(r, '\n') == NULL); /* one line: the queue's unit */
    cJSON *o = cJSON_Parse(r);
    CHECK(cJSON_IsObject(o));
    CHECK(strcmp(cJSON_GetObjectItem(o, "item")->valuestring, "通知 \"1\"\n") == 0);
    CHECK(cJSON_GetObjectItem(o, "page")->valueint == 2);
    CHECK(cJSON_GetObjectItem(o, "start")->valuedouble == 1764650000.0);
    CHECK(cJSON_GetObjectItem(o, "seconds")->valuedouble == 8.002);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(o, "image")));
    CHECK(cJSON_GetArraySize(o) == 5);
    CHECK(strlen(r) < POPQ_MAX_LINE);
    cJSON_Delete(o);
    free(r);
}

static void test_off(void)
{
    fleet_params p = {.url = "", .interval_s = 5};
    CHECK(fleet_create(&p, NULL, NULL) == NULL);
    fleet_destroy(NULL);
    fleet_update(NULL, &(fleet_snapshot){0});
    fleet_shown(NULL, "a", 1, false, 0, 0);
    CHECK(!fleet_screenshot_wanted(NULL));
}

int main(void)
{
    RUN(test_record);
    RUN(test_off);
    return test_done("test_fleet");
}
