/*
 * validate_storagepool.c: a storage pool's checks beyond the schema.
 *
 * Learned from libvirt 9.0's parser (tests/libvirt-parse.py), on
 * documents its schema takes:
 *  - the pool's type, its source's format, device partition separator,
 *    adapter type and managed flag, auth type, the cow feature's state and
 *    the refresh policy's allocation are compared exactly: the schema's
 *    tokens let spaces stand around them, the parser does not ("Invalid
 *    value for attribute 'type'", "unknown auth type ' chap'");
 *  - a pool without a <name> (the schema lets logical, rbd, sheepdog,
 *    gluster, zfs and vstorage pools go without) is named after its
 *    source's <name>, which must then be given ("missing pool source name
 *    element"); an empty one counts as none;
 *  - an <auth> names its user ("missing username for auth"): the schema
 *    takes an empty username;
 *  - the copy-on-write feature (<features><cow>) is for fs and dir pools
 *    only ("cow feature may only be used for 'fs' and 'dir' pools");
 *  - an fc_host adapter names its parent HBA by both WWNN and WWPN or by
 *    neither ("when providing parent_wwnn=..., the parent_wwpn must also
 *    be provided");
 *  - an iscsi-direct pool's initiator IQN is not empty ("missing
 *    initiator IQN"; an iscsi pool takes an empty one);
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

/* A secret is looked up by its UUID (moved from validate_check.c, where
 * it was the pool's only check). */
static const char *vr_bad_uuid(const char *v)
{
    unsigned char raw[16];
    return ir_uuid_parse(v, raw) ? NULL : "a UUID (32 hex digits, optionally grouped 8-4-4-4-12)";
}

static const vr_word vr_pool_words[] = {
    { "pool", "type" },          { "format", "type" },   { "device", "part_separator" },
    { "adapter", "type" },       { "adapter", "managed" }, { "auth", "type" },
    { "cow", "state" },          { "volume", "allocation" },
};

/* An fc_host adapter's parent WWNN and WWPN: one without the other is
 * refused, whichever it is. */
static bool vr_pool_parent_wwn(xmlNodePtr adapter, const char *file, vc_diags *d)
{
    static const char *const pair[2] = { "parent_wwnn", "parent_wwpn" };
    for (int i = 0; i < 2; i++) {
        xmlAttrPtr a = xmlHasProp(adapter, BAD_CAST pair[i]);
        if (a && !xmlHasProp(adapter, BAD_CAST pair[1 - i]))
            return vc_error_at(d, xml_node_loc(file, (xmlNodePtr)a),
                               "%s without %s on <adapter>: a parent HBA is named by both its "
                               "WWNN and its WWPN", pair[i], pair[1 - i]);
    }
    return true;
}

static const char *vr_bad_iqn(const char *v)
{
    return v[0] ? NULL : "an iSCSI qualified name (iqn.YYYY-MM.domain[:name])";
}

/* An iscsi-direct pool logs in as its initiator, so it needs the IQN. */
static bool vr_pool_initiator(xmlNodePtr root, xmlNodePtr src, const char *file, vc_diags *d)
{
    xmlNodePtr init = src ? xml_child(src, "initiator") : NULL;
    xmlNodePtr iqn = init ? xml_child(init, "iqn") : NULL;
    char *type = iqn ? xml_prop(root, "type") : NULL;
    bool direct = type && strcmp(type, "iscsi-direct") == 0;
    free(type);
    return !direct || check_value(iqn, "name", vr_bad_iqn, file, d);
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
    xmlNodePtr adapter = src ? xml_child(src, "adapter") : NULL;
    bool ok = vr_exact_words(root, vr_pool_words, VC_ARRAY_SIZE(vr_pool_words), file, d);
    ok = vr_pool_name(root, src, file, d) && ok;
    if (auth)
        ok = check_value(auth, "username", vr_bad_username, file, d) && ok;
    if (adapter)
        ok = vr_pool_parent_wwn(adapter, file, d) && ok;
    ok = vr_pool_initiator(root, src, file, d) && ok;
    ok = vr_pool_cow(root, file, d) && ok;
    xmlNodePtr secret = auth ? xml_child(auth, "secret") : NULL;
    if (secret)
        ok = check_value(secret, "uuid", vr_bad_uuid, file, d) && ok;
    return vr_perms_mode(xml_child(root, "target"), file, d) && ok;
}
