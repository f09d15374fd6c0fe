/*
 * validate_rules.c: what the per-kind checks beyond the schema share
 * (validate_rules.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_rules.h"

#define VR_EXACT "expected '%s' with no space around it (libvirt compares the word exactly)"

/* The word of v without the spaces around it (a copy), or NULL when v has
 * none to drop. */
static char *vr_trimmed(const char *v)
{
    size_t len = strlen(v);
    if (len == 0 || (!isspace((unsigned char)v[0]) && !isspace((unsigned char)v[len - 1])))
        return NULL;
    const char *b = v;
    while (isspace((unsigned char)*b))
        b++;
    const char *e = v + len;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    return vc_xstrndup(b, (size_t)(e - b));
}

bool vr_exact_word(xmlNodePtr e, const char *name, const char *file, vc_diags *d)
{
    xmlAttrPtr a = xmlHasProp(e, BAD_CAST name);
    char *v = a ? xml_prop(e, name) : NULL;
    char *word = v ? vr_trimmed(v) : NULL;
    if (word)
        vc_error_at(d, xml_node_loc(file, (xmlNodePtr)a),
                    "%s='%s': " VR_EXACT, name, v, word);
    free(word);
    free(v);
    return !word;
}

bool vr_exact_text(xmlNodePtr e, const char *file, vc_diags *d)
{
    char *v = xml_text(e);
    char *word = v ? vr_trimmed(v) : NULL;
    if (word)
        vc_error_at(d, xml_node_loc(file, e),
                    "<%s>: '%s': " VR_EXACT, (const char *)e->name, v, word);
    free(word);
    free(v);
    return !word;
}

bool vr_text_given(xmlNodePtr e, const char *what, const char *file, vc_diags *d)
{
    char *v = xml_text(e);
    bool ok = v != NULL;
    free(v);
    if (!ok)
        vc_error_at(d, xml_node_loc(file, e), "<%s>: empty: expected %s", (const char *)e->name,
                    what);
    return ok;
}

bool vr_exact_words(xmlNodePtr n, const vr_word *words, size_t nwords, const char *file,
                    vc_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < nwords; i++)
        if (check_is(n, words[i].elem))
            ok = vr_exact_word(n, words[i].attr, file, d) && ok;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            ok = vr_exact_words(c, words, nwords, file, d) && ok;
    return ok;
}

/* The schema takes any octal number (its pattern is [0-7]+); libvirt's
 * parser refuses one with bits above the permission bits ("malformed octal
 * mode"): no setuid, setgid or sticky bit. A number too large to read is
 * left alone (never refused where libvirt might take it). */
#define VR_MODE_MAX 0777ULL

bool vr_perms_mode(xmlNodePtr holder, const char *file, vc_diags *d)
{
    xmlNodePtr perms = holder ? xml_child(holder, "permissions") : NULL;
    xmlNodePtr mode = perms ? xml_child(perms, "mode") : NULL;
    char *v = mode ? xml_text(mode) : NULL;
    unsigned long long n;
    bool ok = !v || !vc_parse_ull(v, 8, &n) || n <= VR_MODE_MAX;
    if (!ok)
        vc_error_at(d, xml_node_loc(file, mode),
                    "<mode>: '%s': expected an octal mode 0..0777 (the permission bits only: "
                    "no setuid, setgid or sticky bit)", v);
    free(v);
    return ok;
}
