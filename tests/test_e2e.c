/* End to end: runs the built player binary headless on the demo feed and
 * on bad input, and checks the PNGs and the layout dump it writes. */
#include <SDL.h>
#include <SDL_image.h>
#include <cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static const char *player;
static char tmp[256];

static char *read_str(const char *path)
{
    char *s = test_read_file(path, NULL);
    return s ? s : calloc(1, 1);
}

static cJSON *layout_dump(const char *config, const char *size)
{
    char out[512];
    snprintf(out, sizeof out, "%s/dump.json", tmp);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s --config %s --layout-dump --size %s > %s 2>%s/dump.log",
             player, config, size, out, tmp);
    CHECKF(system(cmd) == 0, "%s", cmd);
    char *text = read_str(out);
    cJSON *j = cJSON_Parse(text);
    free(text);
    return j;
}

/* Fraction of pixels that differ clearly from the top-left (background). */
static double ink_fraction(SDL_Surface *s)
{
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    const Uint32 *px = c->pixels;
    int pitch = c->pitch / 4;
    Uint32 bg = px[pitch * (c->h - 1)];
    long ink = 0;
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            Uint32 p = px[y * pitch + x];
            int d = abs((int)((p >> 16) & 255) - (int)((bg >> 16) & 255)) +
                    abs((int)((p >> 8) & 255) - (int)((bg >> 8) & 255)) +
                    abs((int)(p & 255) - (int)(bg & 255));
            ink += d > 60;
        }
    }
    double f = (double)ink / ((double)c->w * c->h);
    SDL_FreeSurface(c);
    return f;
}

static int count_pages(const cJSON *dump)
{
    int n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(dump, "items")) n +=
        cJSON_GetArraySize(cJSON_GetObjectItem(item, "pages"));
    return n;
}

static void snapshot_demo(const char *size, int w, int h)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/snap-%s", tmp, size);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s --config %s/config/player.ini --snapshot %s --size %s >/dev/null",
             player, TEST_SOURCE_DIR, dir, size);
    CHECKF(system(cmd) == 0, "%s", cmd);
    cJSON *dump = layout_dump(TEST_SOURCE_DIR "/config/player.ini", size);
    int expected = count_pages(dump);
    cJSON_Delete(dump);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int pngs = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strstr(e->d_name, ".png"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        SDL_Surface *s = IMG_Load(path);
        CHECKF(s != NULL, "%s does not load", path);
        if (!s)
            continue;
        pngs++;
        CHECKF(s->w == w && s->h == h, "%s is %dx%d", path, s->w, s->h);
        double ink = ink_fraction(s);
        CHECKF(ink > 0.01, "%s is nearly empty (%.4f)", path, ink);
        SDL_FreeSurface(s);
    }
    if (d)
        closedir(d);
    CHECKF(expected >= 7 && pngs == expected, "%d PNGs, %d pages in the dump", pngs,
           expected);
}

static void check_dump(void)
{
    cJSON *dump = layout_dump(TEST_SOURCE_DIR "/config/player.ini", "1920x1080");
    CHECK(dump != NULL);
    CHECK(cJSON_GetObjectItem(dump, "width")->valueint == 1920);
    const cJSON *items = cJSON_GetObjectItem(dump, "items");
    CHECK(cJSON_GetArraySize(items) == 9);
    const cJSON *item;
    bool article = false;
    cJSON_ArrayForEach(item, items)
    {
        const char *id = cJSON_GetObjectItem(item, "id")->valuestring;
        int box = cJSON_GetObjectItem(item, "box_width")->valueint;
        int npages = cJSON_GetArraySize(cJSON_GetObjectItem(item, "pages"));
        if (strcmp(id, "yuanling-2024-06-28") == 0) {
            article = true;
            /* 13 pages uncut: the airtime cap shows 3 at most, then its QR code */
            const cJSON *how = cJSON_GetObjectItem(item, "airtime");
            CHECKF(npages >= 2 && npages <= 3 && cJSON_IsString(how) &&
                       strcmp(how->valuestring, "cut") == 0 &&
                       cJSON_IsObject(cJSON_GetObjectItem(item, "qr")),
                   "article has %d pages", npages);
        }
        const cJSON *page, *line;
        cJSON_ArrayForEach(page, cJSON_GetObjectItem(item, "pages"))
        {
            CHECK(cJSON_GetObjectItem(page, "seconds")->valueint >= 8);
            cJSON_ArrayForEach(line, cJSON_GetObjectItem(page, "lines"))
            {
                int w = cJSON_GetObjectItem(line, "width")->valueint;
                int ind = cJSON_GetObjectItem(line, "indent")->valueint;
                const char *t = cJSON_GetObjectItem(line, "text")->valuestring;
                CHECKF(w + ind <= box, "%s: line wider than box: %s", id, t);
                CHECKF(!strstr(t, "williamhill"), "spam on screen: %s", t);
            }
        }
    }
    CHECK(article);
    cJSON_Delete(dump);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

static void bad_config(void)
{
    char ini[512], log[512];
    snprintf(ini, sizeof ini, "%s/bad.ini", tmp);
    snprintf(log, sizeof log, "%s/bad.log", tmp);
    write_file(ini, "[player]\nfeed = demo-feed.json\n\n[text]\nbody_colour = red\n");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s --config %s --snapshot %s/never 2>%s", player, ini, tmp,
             log);
    int rc = system(cmd);
    CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
    char *text = read_str(log);
    CHECKF(strstr(text, "bad.ini:5: unknown key 'body_colour'"), "log: %s", text);
    free(text);
    char never[512];
    snprintf(never, sizeof never, "%s/never", tmp);
    CHECK(access(never, F_OK) != 0);
}

/* A feed that is not JSON: a log line naming it, the waiting slide, exit 0. */
static void bad_feed(void)
{
    char ini[512], feedp[512], log[512], dir[512], cmd[2048];
    snprintf(ini, sizeof ini, "%s/badfeed.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/broken.json", tmp);
    snprintf(log, sizeof log, "%s/badfeed.log", tmp);
    snprintf(dir, sizeof dir, "%s/badfeed", tmp);
    write_file(feedp, "<html>not a feed</html>");
    char ini_text[1024];
    snprintf(ini_text, sizeof ini_text, "[player]\nfeed = %s\ncache_dir = %s/cache\n",
             feedp, tmp);
    write_file(ini, ini_text);
    snprintf(cmd, sizeof cmd,
             "%s --config %s --snapshot %s --size 800x480 >/dev/null 2>%s", player, ini,
             dir, log);
    CHECKF(system(cmd) == 0, "%s", cmd);
    char *text = read_str(log);
    CHECKF(strstr(text, "broken.json"), "log does not name the source: %s", text);
    free(text);
    char png[1024];
    snprintf(png, sizeof png, "%s/000-waiting.png", dir);
    SDL_Surface *s = IMG_Load(png);
    CHECKF(s != NULL, "no waiting slide at %s", png);
    if (s) {
        CHECK(s->w == 800 && s->h == 480);
        CHECK(ink_fraction(s) > 0.005);
        SDL_FreeSurface(s);
    }
}

/* One good item and one broken one: the good one is shown, the bad one named. */
static void bad_item(void)
{
    char ini[512], feedp[512], log[512], cmd[2048], ini_text[1024];
    snprintf(ini, sizeof ini, "%s/baditem.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/items.json", tmp);
    snprintf(log, sizeof log, "%s/baditem.log", tmp);
    write_file(feedp,
               "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","
               "\"items\":[{\"id\":\"good\",\"title\":\"开放时间\",\"content_text\":"
               "\"周一至周五\"},{\"id\":\"broken-7\",\"title\":42,"
               "\"content_text\":\"x\"}]}");
    snprintf(ini_text, sizeof ini_text, "[player]\nfeed = %s\ncache_dir = %s/cache\n",
             feedp, tmp);
    write_file(ini, ini_text);
    snprintf(cmd, sizeof cmd, "%s --config %s --layout-dump >%s/items.out 2>%s", player,
             ini, tmp, log);
    CHECKF(system(cmd) == 0, "%s", cmd);
    char *text = read_str(log);
    CHECKF(strstr(text, "broken-7") && strstr(text, "items.json"), "log: %s", text);
    free(text);
    snprintf(cmd, sizeof cmd, "%s/items.out", tmp);
    text = read_str(cmd);
    cJSON *j = cJSON_Parse(text);
    free(text);
    const cJSON *items = cJSON_GetObjectItem(j, "items");
    CHECK(cJSON_GetArraySize(items) == 1);
    cJSON_Delete(j);
}

/* A spam item with the blocklist on: the log names item and term, the
 * layout dump and --check-feed list it as blocked, never open. */
static const cJSON *item_by_id(const cJSON *items, const char *id)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *v = cJSON_GetObjectItem(it, "id");
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return it;
    }
    return NULL;
}

static cJSON *run_json(const char *args, const char *log)
{
    char cmd[2048], outp[512];
    snprintf(outp, sizeof outp, "%s/blocked.out", tmp);
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s", player, args, outp, log);
    CHECKF(system(cmd) == 0, "%s", cmd);
    char *text = read_str(outp);
    cJSON *j = cJSON_Parse(text);
    free(text);
    return j;
}

static void blocked_item(void)
{
    char ini[512], feedp[512], listp[512], log[512], args[2048], ini_text[2048];
    snprintf(ini, sizeof ini, "%s/blocked.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/blocked.json", tmp);
    snprintf(listp, sizeof listp, "%s/config/blocklist.txt",
             getenv("SIGNAGE_SOURCE_DIR"));
    snprintf(log, sizeof log, "%s/blocked.log", tmp);
    write_file(feedp,
               "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","
               "\"items\":[{\"id\":\"good\",\"title\":\"开放时间\",\"content_text\":"
               "\"周一至周五\"},{\"id\":\"spam-3\",\"title\":\"园岭街道\","
               "\"content_text\":\"Ｗｉｌｌｉａｍ\u200bＨｉｌｌ 英国威廉希尔\"}]}");
    snprintf(ini_text, sizeof ini_text,
             "[player]\nfeed = %s\ncache_dir = %s/cache\nblocklist = %s\n", feedp, tmp,
             listp);
    write_file(ini, ini_text);
    snprintf(args, sizeof args, "--config %s --layout-dump --size 640x360", ini);
    cJSON *j = run_json(args, log);
    const cJSON *items = cJSON_GetObjectItem(j, "items");
    const cJSON *spam = item_by_id(items, "spam-3"), *good = item_by_id(items, "good");
    CHECK(spam && cJSON_IsFalse(cJSON_GetObjectItem(spam, "open")));
    const cJSON *term = cJSON_GetObjectItem(spam, "blocked");
    CHECK(cJSON_IsString(term) && strcmp(term->valuestring, "williamhill") == 0);
    CHECK(good && cJSON_IsTrue(cJSON_GetObjectItem(good, "open")));
    CHECK(good && !cJSON_GetObjectItem(good, "blocked"));
    cJSON_Delete(j);
    char *text = read_str(log);
    CHECKF(strstr(text, "spam-3") && strstr(text, "williamhill"), "log: %s", text);
    free(text);

    snprintf(args, sizeof args, "--config %s --check-feed %s --json --size 640x360", ini,
             feedp);
    j = run_json(args, log);
    spam = item_by_id(cJSON_GetObjectItem(j, "items"), "spam-3");
    const cJSON *why = cJSON_GetObjectItem(spam, "why");
    CHECKF(cJSON_IsString(why) && strcmp(why->valuestring, "blocked: williamhill") == 0,
           "why: %s", cJSON_IsString(why) ? why->valuestring : "(none)");
    cJSON_Delete(j);
}

static long count_colour(SDL_Surface *s, SDL_Rect r, Uint8 cr, Uint8 cg, Uint8 cb)
{
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    const Uint32 *px = c->pixels;
    long n = 0;
    for (int y = r.y; y < r.y + r.h && y < c->h; y++)
        for (int x = r.x; x < r.x + r.w && x < c->w; x++) {
            Uint32 p = px[y * (c->pitch / 4) + x];
            n += abs((int)((p >> 16) & 255) - cr) + abs((int)((p >> 8) & 255) - cg) +
                     abs((int)(p & 255) - cb) <
                 30;
        }
    SDL_FreeSurface(c);
    return n;
}

static void save_png(const char *path, int w, int h, Uint8 r, Uint8 g, Uint8 b)
{
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, r, g, b));
    CHECK(IMG_SavePNG(s, path) == 0);
    SDL_FreeSurface(s);
}

/* An item with a local image and a configured logo: both on the slide. */
static void images_local(void)
{
    char ini[512], feedp[512], img[512], logo[512], dir[512], cmd[2048], text[2048];
    snprintf(ini, sizeof ini, "%s/img.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/img.json", tmp);
    snprintf(img, sizeof img, "%s/photo.png", tmp);
    snprintf(logo, sizeof logo, "%s/logo.png", tmp);
    snprintf(dir, sizeof dir, "%s/img", tmp);
    save_png(img, 800, 600, 0xc0, 0x30, 0x30);
    save_png(logo, 120, 120, 0x30, 0xc0, 0x30);
    snprintf(
        text, sizeof text,
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
        "{\"id\":\"pic\",\"title\":\"社区花艺课\",\"content_text\":\"周五晚上七点\","
        "\"image\":\"%s\"},{\"id\":\"bad\",\"title\":\"坏图片\","
        "\"content_text\":\"图片不存在\",\"image\":\"%s/missing.png\"}]}",
        img, tmp);
    write_file(feedp, text);
    snprintf(text, sizeof text, "[player]\nfeed = %s\nlogo = %s\ncache_dir = %s/cache\n",
             feedp, logo, tmp);
    write_file(ini, text);
    snprintf(cmd, sizeof cmd,
             "%s --config %s --snapshot %s --size 1280x720 >/dev/null 2>&1", player, ini,
             dir);
    CHECKF(system(cmd) == 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "%s/001-pic-p01.png", dir);
    SDL_Surface *s = IMG_Load(cmd);
    CHECKF(s != NULL, "%s missing", cmd);
    if (!s)
        return;
    long photo = count_colour(s, (SDL_Rect){0, 0, 1280, 720}, 0xc0, 0x30, 0x30);
    long green = count_colour(s, (SDL_Rect){0, 0, 1280, 120}, 0x30, 0xc0, 0x30);
    CHECKF(photo > 60000, "photo pixels: %ld", photo);
    CHECKF(green > 400, "logo pixels in the header: %ld", green);
    SDL_FreeSurface(s);
    /* The item whose image is missing is shown without it. */
    snprintf(cmd, sizeof cmd, "%s/002-bad-p01.png", dir);
    s = IMG_Load(cmd);
    CHECKF(s != NULL, "%s missing", cmd);
    if (s) {
        CHECK(count_colour(s, (SDL_Rect){0, 0, 1280, 720}, 0xc0, 0x30, 0x30) == 0);
        CHECK(ink_fraction(s) > 0.005);
        SDL_FreeSurface(s);
    }
}

int main(void)
{
    player = getenv("SIGNAGE_PLAYER");
    if (!player) {
        fprintf(stderr, "SIGNAGE_PLAYER is not set: run through ctest\n");
        return 1;
    }
    snprintf(tmp, sizeof tmp, "/tmp/signage-e2e-XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    SDL_Init(0);
    check_dump();
    snapshot_demo("1920x1080", 1920, 1080);
    snapshot_demo("1080x1920", 1080, 1920);
    bad_config();
    bad_feed();
    bad_item();
    blocked_item();
    images_local();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    CHECK(system(cmd) == 0);
    SDL_Quit();
    return test_done("e2e");
}
