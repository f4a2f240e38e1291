/* minisign: keys and signatures made by the real minisign at test time
 * (skipped without it), parsed and verified; every malformed part refused. */
#include "test.h"
#include "minisign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/signage-minisign-XXXXXX";
static char why[300];

/* Runs a shell command in dir, quietly; true when it exits 0. */
static bool sh(const char *command)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && (%s) </dev/null >/dev/null 2>&1", dir, command);
    return system(cmd) == 0;
}

static char *slurp(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n = 0;
    char *text = test_read_file(path, &n);
    if (len)
        *len = n;
    return text;
}

static const char data[] = "{\"version\":\"https://jsonfeed.org/version/1.1\"}\n";

/* Two keys, the data signed prehashed (default), legacy (-l), with a ts:
 * comment and with the other key. */
static bool make_fixtures(void)
{
    if (!mkdtemp(dir))
        return false;
    char path[256];
    snprintf(path, sizeof path, "%s/data", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(data, f);
    fclose(f);
    return sh("minisign -G -W -p a.pub -s a.key && minisign -G -W -p b.pub -s b.key") &&
           sh("minisign -S -s a.key -m data -x ed.sig") &&
           sh("minisign -S -l -s a.key -m data -x legacy.sig") &&
           sh("minisign -S -s a.key -m data -x ts.sig -t 'feed ts:1700000000 x'") &&
           sh("minisign -S -s b.key -m data -x b.sig");
}

static minisign_key key_of(const char *name)
{
    minisign_key k = {0};
    size_t len;
    char *text = slurp(name, &len);
    CHECKF(text && minisign_parse_key(text, len, &k, why, sizeof why) == MINISIGN_OK,
           "%s", why);
    free(text);
    return k;
}

static minisign_result verify_text(const minisign_key *k, const char *sig_text,
                                   size_t sig_len, const char *d, size_t n)
{
    minisign_sig sig;
    minisign_result r = minisign_parse_sig(sig_text, sig_len, &sig, why, sizeof why);
    return r == MINISIGN_OK ? minisign_verify(k, &sig, d, n, why, sizeof why) : r;
}

static minisign_result verify_file(const minisign_key *k, const char *name, const char *d)
{
    size_t len;
    char *text = slurp(name, &len);
    minisign_result r = text ? verify_text(k, text, len, d, strlen(d)) : MINISIGN_BAD_SIG;
    free(text);
    return r;
}

static void test_keys(void)
{
    minisign_key k, a = key_of("a.pub");
    char *pub = slurp("a.pub", NULL);
    char *line = pub ? strchr(pub, '\n') + 1 : NULL;
    CHECK(line && minisign_parse_key(line, strlen(line), &k, why, sizeof why) == 0);
    CHECK(memcmp(&k, &a, sizeof k) == 0);
    line[strcspn(line, "\n")] = '\0';
    CHECK(minisign_is_key_line(line));
    CHECK(minisign_key_load(line, &k, why, sizeof why) == MINISIGN_OK);
    char path[256];
    snprintf(path, sizeof path, "%s/a.pub", dir);
    CHECK(minisign_key_load(path, &k, why, sizeof why) == MINISIGN_OK);
    CHECK(memcmp(&k, &a, sizeof k) == 0);
    CHECK(!minisign_is_key_line(path));
    CHECK(minisign_key_load("/nonexistent.pub", &k, why, sizeof why) == MINISIGN_BAD_KEY);
    CHECKF(strstr(why, "cannot be read"), "%s", why);
    /* Bad base64, short, trailing garbage, not Ed, empty. */
    char bad[128];
    snprintf(bad, sizeof bad, "%s", line);
    bad[10] = '*';
    CHECK(minisign_parse_key(bad, strlen(bad), &k, why, sizeof why) == MINISIGN_BAD_KEY);
    CHECK(minisign_parse_key(line, strlen(line) - 4, &k, why, sizeof why) != MINISIGN_OK);
    snprintf(bad, sizeof bad, "%s\nmore\n", line);
    CHECK(minisign_parse_key(bad, strlen(bad), &k, why, sizeof why) == MINISIGN_BAD_KEY);
    CHECKF(strstr(why, "after"), "%s", why);
    snprintf(bad, sizeof bad, "%s", line);
    bad[1] = 'X'; /* "RW" -> "RX": the algorithm is no longer "Ed" */
    CHECK(minisign_parse_key(bad, strlen(bad), &k, why, sizeof why) == MINISIGN_BAD_KEY);
    CHECK(minisign_parse_key("", 0, &k, why, sizeof why) == MINISIGN_BAD_KEY);
    CHECK(minisign_parse_key("untrusted comment: x\n", 21, &k, why, sizeof why) ==
          MINISIGN_BAD_KEY);
    free(pub);
}

static void test_algorithms(void)
{
    minisign_key a = key_of("a.pub");
    minisign_sig sig;
    size_t len;
    char *ed = slurp("ed.sig", &len);
    CHECK(ed && minisign_parse_sig(ed, len, &sig, why, sizeof why) == MINISIGN_OK);
    CHECK(sig.prehashed); /* minisign 0.11 signs prehashed by default */
    free(ed);
    char *legacy = slurp("legacy.sig", &len);
    CHECK(legacy && minisign_parse_sig(legacy, len, &sig, why, sizeof why) == 0);
    CHECK(!sig.prehashed);
    free(legacy);
    CHECKF(verify_file(&a, "ed.sig", data) == MINISIGN_OK, "%s", why);
    CHECKF(verify_file(&a, "legacy.sig", data) == MINISIGN_OK, "%s", why);
    CHECKF(verify_file(&a, "ts.sig", data) == MINISIGN_OK, "%s", why);
    /* One byte of the data changed, under each algorithm. */
    char changed[sizeof data];
    memcpy(changed, data, sizeof data);
    changed[3] ^= 1;
    CHECK(verify_file(&a, "ed.sig", changed) == MINISIGN_BAD_DATA);
    CHECK(verify_file(&a, "legacy.sig", changed) == MINISIGN_BAD_DATA);
    CHECK(strstr(why, "does not match the data"));
    /* Signed by another key: refused by key id, before any verification. */
    minisign_key b = key_of("b.pub");
    CHECK(verify_file(&a, "b.sig", data) == MINISIGN_WRONG_KEY);
    CHECKF(strstr(why, "not with the configured key"), "%s", why);
    CHECK(verify_file(&b, "b.sig", data) == MINISIGN_OK);
    /* Key a's id with key b's bytes: the id matches, the signature fails. */
    memcpy(b.id, a.id, sizeof b.id);
    CHECK(verify_file(&b, "ed.sig", data) == MINISIGN_BAD_DATA);
}

/* The signature file with its trusted comment line replaced. */
static void test_trusted_comment(void)
{
    minisign_key a = key_of("a.pub");
    size_t len;
    char *text = slurp("ed.sig", &len);
    char *tc = text ? strstr(text, "\ntrusted comment: ") : NULL;
    CHECK(tc && tc[18] == 't'); /* "timestamp:" */
    if (!tc)
        return;
    tc[18] = 'T';
    CHECK(verify_text(&a, text, len, data, strlen(data)) == MINISIGN_BAD_COMMENT);
    CHECKF(strstr(why, "trusted comment"), "%s", why);
    free(text);
}

static minisign_result parse(const char *text)
{
    minisign_sig sig;
    return minisign_parse_sig(text, strlen(text), &sig, why, sizeof why);
}

/* Malformed signature files: each refused with a reason. */
static void test_malformed(void)
{
    size_t len;
    char *text = slurp("ed.sig", &len);
    CHECK(text && parse(text) == MINISIGN_OK);
    if (!text)
        return;
    char buf[MINISIGN_MAX_SIG + 16];
    snprintf(buf, sizeof buf, "%sextra\n", text);
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "after"));
    snprintf(buf, sizeof buf, "%s\n", text);
    CHECK(parse(buf) == MINISIGN_BAD_SIG); /* an empty fifth line */
    char *l2 = strchr(text, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    snprintf(buf, sizeof buf, "%.*s", (int)(l3 - text), text);
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "lines"));
    snprintf(buf, sizeof buf, "%s", text);
    buf[l2 - text + 5] = '#'; /* bad base64 in the signature line */
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "74 bytes"));
    snprintf(buf, sizeof buf, "%s", text);
    buf[l2 - text + 1] = 'W'; /* "RU" -> "RW": "ED" becomes "Ed"; still known */
    CHECK(parse(buf) == MINISIGN_OK);
    buf[l2 - text] = 'Q'; /* not "E" any more */
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "algorithm"));
    snprintf(buf, sizeof buf, "%s", text);
    buf[0] = 'U';
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "untrusted"));
    snprintf(buf, sizeof buf, "%s", text);
    buf[l3 - text] = 'T';
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "trusted comment"));
    snprintf(buf, sizeof buf, "%s", text);
    buf[strlen(buf) - 3] = '!'; /* in the global signature */
    CHECK(parse(buf) == MINISIGN_BAD_SIG && strstr(why, "global"));
    memset(buf, 'x', MINISIGN_MAX_SIG + 1);
    CHECK(minisign_parse_sig(buf, MINISIGN_MAX_SIG + 1, &(minisign_sig){0}, why,
                             sizeof why) == MINISIGN_BAD_SIG);
    CHECK(parse("") == MINISIGN_BAD_SIG);
    free(text);
}

static bool ts_of(const char *comment, int64_t *ts)
{
    minisign_sig sig = {0};
    snprintf(sig.trusted, sizeof sig.trusted, "%s", comment);
    return minisign_timestamp(&sig, ts);
}

static void test_timestamp(void)
{
    int64_t ts = 0;
    minisign_sig sig;
    size_t len;
    char *text = slurp("ed.sig", &len);
    CHECK(text && minisign_parse_sig(text, len, &sig, why, sizeof why) == MINISIGN_OK);
    CHECK(minisign_timestamp(&sig, &ts));
    CHECKF(ts > time(NULL) - 600 && ts <= time(NULL), "%lld", (long long)ts);
    free(text);
    text = slurp("ts.sig", &len);
    CHECK(text && minisign_parse_sig(text, len, &sig, why, sizeof why) == MINISIGN_OK);
    CHECK(minisign_timestamp(&sig, &ts) && ts == 1700000000);
    free(text);
    CHECK(ts_of("timestamp:42\tfile:x", &ts) && ts == 42);
    CHECK(!ts_of("xts:5", &ts));
    CHECK(!ts_of("timestamp:12a", &ts));
    CHECK(!ts_of("timestamp:", &ts));
    CHECK(!ts_of("timestamp:99999999999999999999", &ts));
    CHECK(!ts_of("", &ts));
}

int main(void)
{
    if (system("minisign -v >/dev/null 2>&1") != 0) {
        SKIP("minisign is not installed (apt-get install minisign)");
        return test_done("test_minisign");
    }
    CHECK(make_fixtures());
    RUN(test_keys);
    RUN(test_algorithms);
    RUN(test_trusted_comment);
    RUN(test_malformed);
    RUN(test_timestamp);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return test_done("test_minisign");
}
