/* edid: the panel's size from EDID bytes built here (header, basic size in
 * cm, the first detailed timing's mm, checksum): good, truncated, a bad
 * checksum, no size, an aspect ratio only, a descriptor that disagrees; and
 * display's reading of the connected connector's EDID from a DRM tree. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "display.h"
#include "edid.h"
#include "test.h"

/* A 128-byte base block: cm_w x cm_h basic size, a detailed timing of
 * mm_w x mm_h (0: a display descriptor there instead), checksum right. */
static void edid_build(uint8_t *b, int cm_w, int cm_h, int mm_w, int mm_h)
{
    static const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    memset(b, 0, EDID_BLOCK);
    memcpy(b, header, sizeof header);
    b[18] = 1, b[19] = 4; /* EDID 1.4 */
    b[21] = (uint8_t)cm_w, b[22] = (uint8_t)cm_h;
    if (mm_w || mm_h) {
        b[54] = 0x02, b[55] = 0x3a; /* 148.5 MHz: 1080p60 */
        b[66] = (uint8_t)(mm_w & 0xff), b[67] = (uint8_t)(mm_h & 0xff);
        b[68] = (uint8_t)((mm_w >> 8) << 4 | (mm_h >> 8));
    }
    uint8_t sum = 0;
    for (int i = 0; i < EDID_BLOCK - 1; i++)
        sum = (uint8_t)(sum + b[i]);
    b[EDID_BLOCK - 1] = (uint8_t)(0x100 - sum);
}

static bool size_of(const uint8_t *b, size_t n, int w, int h)
{
    int gw = -1, gh = -1;
    bool ok = edid_size_mm(b, n, &gw, &gh);
    if (ok != (w > 0) || gw != w || gh != h)
        fprintf(stderr, "  got %d x %d (%d), want %d x %d\n", gw, gh, ok, w, h);
    return ok == (w > 0) && gw == w && gh == h;
}

static void test_parse(void)
{
    uint8_t b[2 * EDID_BLOCK];
    edid_build(b, 121, 68, 1210, 680); /* a 55-inch TV */
    CHECK(size_of(b, EDID_BLOCK, 1210, 680));
    memset(b + EDID_BLOCK, 0xAA, EDID_BLOCK); /* an extension block after it */
    CHECK(size_of(b, sizeof b, 1210, 680));
    edid_build(b, 121, 68, 1218, 685); /* mm agree to 10%: the finer size */
    CHECK(size_of(b, EDID_BLOCK, 1218, 685));
    edid_build(b, 121, 68, 1600, 900); /* an aspect ratio as "mm": the cm */
    CHECK(size_of(b, EDID_BLOCK, 1210, 680));
    edid_build(b, 0, 0, 154, 86); /* a 7-inch panel with only the mm */
    CHECK(size_of(b, EDID_BLOCK, 154, 86));
    edid_build(b, 60, 34, 0, 0); /* only the cm, a display descriptor first */
    CHECK(size_of(b, EDID_BLOCK, 600, 340));
    edid_build(b, 0, 0, 0, 0); /* a projector: no size */
    CHECK(size_of(b, EDID_BLOCK, 0, 0));
    edid_build(b, 16, 0, 16, 9); /* EDID 1.4's aspect ratio only */
    CHECK(size_of(b, EDID_BLOCK, 0, 0));
    edid_build(b, 250, 20, 0, 0); /* 1:12.5 is no screen */
    CHECK(size_of(b, EDID_BLOCK, 0, 0));
    edid_build(b, 121, 68, 1210, 680);
    CHECK(size_of(b, EDID_BLOCK - 1, 0, 0)); /* truncated */
    CHECK(size_of(b, 8, 0, 0));
    CHECK(size_of(NULL, 0, 0, 0));
    CHECK(size_of(b, EDID_MAX_BYTES + 1, 0, 0)); /* too long to be one */
    b[21] ^= 1;                                  /* bad checksum */
    CHECK(size_of(b, EDID_BLOCK, 0, 0));
    edid_build(b, 121, 68, 1210, 680);
    b[0] = 1; /* not the header (checksum fixed) */
    b[EDID_BLOCK - 1] = (uint8_t)(b[EDID_BLOCK - 1] - 1);
    CHECK(size_of(b, EDID_BLOCK, 0, 0));
}

static void put(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

/* display reads the first connected connector's EDID under the DRM root. */
static void test_drm_tree(void)
{
    char root[] = "/tmp/test_edid_XXXXXX", path[512];
    CHECK(mkdtemp(root) != NULL);
    const char *dirs[] = {"/sys",
                          "/sys/class",
                          "/sys/class/drm",
                          "/sys/class/drm/card0-HDMI-A-1",
                          "/sys/class/drm/card0-HDMI-A-2",
                          "/sys/class/drm/card0"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s%s", root, dirs[i]);
        mkdir(path, 0755);
    }
    uint8_t a[EDID_BLOCK], b[EDID_BLOCK];
    edid_build(a, 121, 68, 1210, 680);
    edid_build(b, 0, 0, 154, 86);
    snprintf(path, sizeof path, "%s/sys/class/drm/card0-HDMI-A-1/status", root);
    put(path, "disconnected\n", 13);
    snprintf(path, sizeof path, "%s/sys/class/drm/card0-HDMI-A-1/edid", root);
    put(path, b, sizeof b);
    snprintf(path, sizeof path, "%s/sys/class/drm/card0-HDMI-A-2/status", root);
    put(path, "connected\n", 10);
    snprintf(path, sizeof path, "%s/sys/class/drm/card0-HDMI-A-2/edid", root);
    put(path, a, sizeof a);
    setenv("SIGNAGE_TEST_DRM_ROOT", root, 1);
    sizes_panel p;
    CHECK(display_edid_panel(&p) && p.w_mm == 1210 && p.h_mm == 680 &&
          p.source == SIZES_EDID);
    /* A connected screen whose EDID is empty (an HDMI extender): none. */
    put(path, "", 0);
    CHECK(!display_edid_panel(&p) && p.w_mm == 0);
    unsetenv("SIGNAGE_TEST_DRM_ROOT");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_run("test_parse", test_parse);
    test_run("test_drm_tree", test_drm_tree);
    return test_done("edid");
}
