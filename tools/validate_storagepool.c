/*
 * validate_storagepool.c: a storage pool's checks beyond the schema.
 *
 * Learned from libvirt 9.0's parser (tests/libvirt-parse.py), on
 * documents its schema takes:
 *  - the pool's type is compared exactly: the schema's token lets spaces
 *    stand around it, the parser does not ("Invalid value for attribute
 *    'type'");
 *  - a pool without a <name> (the schema lets logical, rbd, sheepdog,
 *    gluster, zfs and vstorage pools go without) is named after its
 *    source's <name>, which must then be given ("missing pool source name
 *    element"); an empty one counts as none;
 *  - an <auth> names its user ("missing username for auth"): the schema
 *    takes an empty username;
 *  - the copy-on-write feature (<features><cow>) is for fs and dir pools
 *    only ("cow feature may only be used for 'fs' and 'dir' pools");
 *  - the target's permission mode is the permission bits only
 *    (vr_perms_mode);
 *  - an auth <secret uuid=...> is a UUID: the schema takes any text, a
 *    secret is looked up by its UUID.
 */
#include <stdlib.h>
#include <string.h>

#include "../translators/ir.h"
#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_rules.h"

static bool vr_pool_secret(xmlNodePtr root, const char *file, vc_diags *d)
{
    static const char *const path[] = { "source", "auth", "secret", NULL };
    xmlNodePtr secret;
    char *value;
    xmlAttrPtr uuid = check_attr_at(root, path, "uuid", &secret, &value);
    if (!uuid)
        return true;
    unsigned char raw[16];
    bool ok = ir_uuid_parse(value, raw);
    if (!ok)
        vc_error_at(d, xml_node_loc(file, (xmlNodePtr)uuid),
                    "uuid='%s': expected a UUID (32 hex digits, optionally grouped 8-4-4-4-12)",
                    value);
    free(value);
    return ok;
}

static const char *vr_bad_username(const char *v)
{
    return v[0] ? NULL : "a user name (libvirt reads an empty one as missing)";
}

static bool vr_pool_name(xmlNodePtr root, xmlNodePtr src, const char *file, vc_diags *d)
{
    if (xml_child(root, "name"))
        return true;
    xmlNodePtr name = src ? xml_child(src, "name") : NULL;
    char *v = name ? xml_text(name) : NULL;
    free(v);
    if (v)
        return true;
    return vc_error_at(d, xml_node_loc(file, name ? name : root),
                       "missing <name> in <pool>: a pool without one is named after its "
                       "source's <name>, and that is %s", name ? "empty" : "missing too");
}

/* libvirt's pool types whose volumes may be copy-on-write files. */
static const char *const vr_cow_types[] = { "fs", "dir" };

static bool vr_pool_cow(xmlNodePtr root, const char *file, vc_diags *d)
{
    xmlNodePtr feat = xml_child(root, "features");
    xmlNodePtr cow = feat ? xml_child(feat, "cow") : NULL;
    if (!cow)
        return true;
    char *type = xml_prop(root, "type");
    bool ok = false;
    for (size_t i = 0; type && i < VC_ARRAY_SIZE(vr_cow_types); i++)
        ok = ok || strcmp(type, vr_cow_types[i]) == 0;
    if (!ok)
        vc_error_at(d, xml_node_loc(file, cow),
                    "<cow> in a %s pool: copy-on-write is a feature of fs and dir pools only",
                    type ? type : "typeless");
    free(type);
    return ok;
}

bool vr_storagepool_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr src = xml_child(root, "source");
    xmlNodePtr auth = src ? xml_child(src, "auth") : NULL;
    bool ok = vr_exact_word(root, "type", file, d);
    ok = vr_pool_name(root, src, file, d) && ok;
    if (auth)
        ok = check_value(auth, "username", vr_bad_username, file, d) && ok;
    ok = vr_pool_cow(root, file, d) && ok;
    ok = vr_perms_mode(xml_child(root, "target"), file, d) && ok;
    return vr_pool_secret(root, file, d) && ok;
}
