/*
 * validate_storagevol.c: a storage volume's checks beyond the schema.
 *
 * Learned from libvirt 9.0's parser (tests/libvirt-parse.py, which parses
 * a volume as a dir pool's), on documents its schema takes:
 *  - the volume's type, its encryption's format and its secret's type
 *    are compared exactly ("unknown volume type ' file'");
 *  - a volume has a <capacity> ("missing capacity element"), unless it
 *    has a backing store to take its size from: that is `virsh
 *    vol-create`'s rule (libvirt's OPT_CAPACITY parse); the parser asked
 *    with no flags refuses that too, and `vol-create-from` takes a volume
 *    with no capacity at all (it clones one), so neither of those is this
 *    check's verdict;
 *  - the permission modes of the target and of the backing store are the
 *    permission bits only (vr_perms_mode);
 *  - the sizes, scaled by their unit, fit libvirt's numbers ("numerical
 *    overflow: value too large"): capacity and allocation a signed 64-bit
 *    one (a file's size is an off_t), the cluster size an unsigned one.
 *    <physical> is libvirt's output, not read.
 * The format type (<target><format type=...>) is left alone: which words
 * libvirt takes there depends on the pool the volume is created in (a dir
 * pool's file formats, an fs pool's filesystems, a disk pool's partition
 * types), which a volume's document does not say; so is the backing
 * store's format, read the same way.
 */
#include <limits.h>
#include <stdlib.h>

#include "../translators/ir.h"
#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_rules.h"

static const vr_word vr_vol_words[] = {
    { "volume", "type" },
    { "encryption", "format" },
    { "secret", "type" },
};

/* A volume's sizes: where each is (a path of first children, at most two
 * deep) and the most bytes libvirt's number holds. */
static const struct {
    const char *elem;
    const char *child;
    unsigned long long max;
    const char *why;
} vr_vol_sizes[] = {
    { "capacity", NULL, LLONG_MAX, "a file's size is a signed 64-bit number" },
    { "allocation", NULL, LLONG_MAX, "a file's size is a signed 64-bit number" },
    { "target", "clusterSize", ULLONG_MAX, "a 64-bit number of bytes" },
};

/* A size over max bytes once scaled is refused; one this cannot read (a
 * unit the schema refuses, a number past 64 bits) is left alone. */
static bool vr_vol_size(xmlNodePtr e, unsigned long long max, const char *why, const char *file,
                        vc_diags *d)
{
    char *v = xml_text(e);
    char *unit = xml_prop(e, "unit");
    unsigned long long n, scale;
    bool ok = !v || !vc_parse_ull(v, 10, &n) || !ir_unit_scale(unit, 1, &scale) ||
              n <= max / scale;
    if (!ok)
        vc_error_at(d, xml_node_loc(file, e),
                    "<%s>: %s%s%s: too large: expected at most %llu bytes (%s)",
                    (const char *)e->name, v, unit ? " " : "", unit ? unit : "", max, why);
    free(unit);
    free(v);
    return ok;
}

static bool vr_vol_sizes_fit(xmlNodePtr root, const char *file, vc_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(vr_vol_sizes); i++) {
        xmlNodePtr e = xml_child(root, vr_vol_sizes[i].elem);
        if (e && vr_vol_sizes[i].child)
            e = xml_child(e, vr_vol_sizes[i].child);
        if (e)
            ok = vr_vol_size(e, vr_vol_sizes[i].max, vr_vol_sizes[i].why, file, d) && ok;
    }
    return ok;
}

/* Whether the volume names a backing store: libvirt takes one only with a
 * non-empty <path>. */
static bool vr_vol_backed(xmlNodePtr root)
{
    xmlNodePtr bs = xml_child(root, "backingStore");
    xmlNodePtr path = bs ? xml_child(bs, "path") : NULL;
    char *v = path ? xml_text(path) : NULL;   /* NULL when empty too */
    bool backed = v != NULL;
    free(v);
    return backed;
}

bool vr_storagevol_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    bool ok = vr_exact_words(root, vr_vol_words, VC_ARRAY_SIZE(vr_vol_words), file, d);
    ok = vr_vol_sizes_fit(root, file, d) && ok;
    if (!xml_child(root, "capacity") && !vr_vol_backed(root))
        ok = vc_error_at(d, xml_node_loc(file, root),
                         "missing <capacity> in <volume>: a volume without a backing store "
                         "is created with a size") && ok;
    ok = vr_perms_mode(xml_child(root, "target"), file, d) && ok;
    return vr_perms_mode(xml_child(root, "backingStore"), file, d) && ok;
}
