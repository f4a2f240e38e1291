/* The manual and the example config against the parser's table of keys:
 * every key config_keys() knows is documented in doc/player.ini.5 (in its
 * section, with its default and unit) and in config/player.ini, and
 * neither documents a key the parser does not know. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "test.h"

#define MAX_DOC 128

/* A key a document names: section, name, and its entry's text. */
typedef struct {
    char section[32], name[48];
    char *entry; /* man page: the text up to the next entry; NULL otherwise */
} doc_key;

typedef struct {
    doc_key keys[MAX_DOC];
    int n;
} doc;

static void add(doc *d, const char *section, const char *name, char *entry)
{
    if (d->n == MAX_DOC)
        return;
    doc_key *k = &d->keys[d->n++];
    snprintf(k->section, sizeof k->section, "%s", section);
    snprintf(k->name, sizeof k->name, "%s", name);
    k->entry = entry;
}

/* roff's "\-" is a plain "-" once set. */
static void unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == '-')
            r++;
        *w++ = *r;
    }
    *w = '\0';
}

/* doc/player.ini.5: ".SS [section]", then ".TP" and ".B name [name...]". */
static void read_manual(char *text, doc *d)
{
    char section[32] = "";
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, ".SS [", 5) == 0) {
            snprintf(section, sizeof section, "%.*s", (int)strcspn(line + 5, "]"),
                     line + 5);
        } else if (strcmp(line, ".TP") == 0 && section[0]) {
            char *names = strtok(NULL, "\n");
            if (!names || strncmp(names, ".B ", 3) != 0)
                continue;
            char *entry = names + strlen(names) + 1; /* strtok cut here */
            for (char *p = names + 3; *p;) {
                size_t len = strcspn(p, " ");
                char name[48];
                snprintf(name, sizeof name, "%.*s", (int)len, p);
                add(d, section, name, entry);
                p += len + (p[len] == ' ');
            }
        }
    }
}

/* config/player.ini: "[section]" or "# [section]", and "key =" or
 * "# key =" (an example left commented out). */
static void read_example(char *text, doc *d)
{
    char section[32] = "";
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *s = line;
        if (*s == '#' || *s == ';')
            s++;
        while (*s == ' ')
            s++;
        size_t name_len = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz");
        if (*s == '[' && s[1 + name_len] == ']' && s[2 + name_len] == '\0') {
            snprintf(section, sizeof section, "%.*s", (int)name_len, s + 1);
            continue;
        }
        size_t len = 0;
        while (islower((unsigned char)s[len]) || s[len] == '_')
            len++;
        const char *after = s + len;
        while (*after == ' ')
            after++;
        if (len > 0 && *after == '=') {
            char name[48];
            snprintf(name, sizeof name, "%.*s", (int)len, s);
            add(d, section, name, NULL);
        }
    }
}

static const doc_key *find(const doc *d, const char *section, const char *name)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->keys[i].section, section) == 0 &&
            strcmp(d->keys[i].name, name) == 0)
            return &d->keys[i];
    return NULL;
}

/* The entry's text up to the next macro that starts another entry. */
static bool entry_has(const char *entry, const char *needle)
{
    const char *end = entry;
    while (*end && strncmp(end, ".TP", 3) != 0 && strncmp(end, ".SS", 3) != 0 &&
           strncmp(end, ".SH", 3) != 0)
        end += strlen(end) + 1; /* lines were cut by strtok */
    for (const char *p = entry; p < end; p += strlen(p) + 1)
        if (strstr(p, needle))
            return true;
    return false;
}

static void check_against_table(const doc *d, const char *what, bool entries)
{
    size_t n;
    const config_key *keys = config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        const config_key *k = &keys[i];
        const doc_key *dk = find(d, k->section, k->name);
        CHECKF(dk != NULL, "%s: [%s] %s is not documented", what, k->section, k->name);
        if (!dk || !entries)
            continue;
        CHECKF(entry_has(dk->entry, "Default:"), "%s: %s: no default", what, k->name);
        CHECKF(entry_has(dk->entry, "Example:"), "%s: %s: no example", what, k->name);
        if (k->def && k->def[0])
            CHECKF(entry_has(dk->entry, k->def), "%s: %s: default %s missing", what,
                   k->name, k->def);
        if (k->unit)
            CHECKF(entry_has(dk->entry, k->unit), "%s: %s: unit '%s' missing", what,
                   k->name, k->unit);
    }
    for (int i = 0; i < d->n; i++) {
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(keys[j].section, d->keys[i].section) == 0 &&
                    strcmp(keys[j].name, d->keys[i].name) == 0;
        CHECKF(known, "%s documents [%s] %s, which the parser does not know", what,
               d->keys[i].section, d->keys[i].name);
    }
}

int main(void)
{
    static doc manual, example;
    char *man = test_read_file(TEST_SOURCE_DIR "/doc/player.ini.5", NULL);
    char *ini = test_read_file(TEST_SOURCE_DIR "/config/player.ini", NULL);
    CHECK(man && ini);
    if (!man || !ini)
        return test_done("manual");
    unescape(man);
    read_manual(man, &manual);
    read_example(ini, &example);
    CHECK(manual.n > 40 && example.n > 40);
    check_against_table(&manual, "doc/player.ini.5", true);
    check_against_table(&example, "config/player.ini", false);
    free(man);
    free(ini);
    return test_done("manual");
}
