/*
 * validate_storagevol.c: a storage volume's checks beyond the schema.
 *
 * Learned from libvirt 9.0's parser (tests/libvirt-parse.py, which parses
 * a volume as a dir pool's), on documents its schema takes:
 *  - the volume's type is compared exactly ("unknown volume type ' file'");
 *  - a volume has a <capacity> ("missing capacity element"), unless it
 *    has a backing store to take its size from: that is `virsh
 *    vol-create`'s rule (libvirt's OPT_CAPACITY parse); the parser asked
 *    with no flags refuses that too, and `vol-create-from` takes a volume
 *    with no capacity at all (it clones one), so neither of those is this
 *    check's verdict;
 *  - the permission modes of the target and of the backing store are the
 *    permission bits only (vr_perms_mode).
 * The format type (<target><format type=...>) is left alone: which words
 * libvirt takes there depends on the pool the volume is created in (a dir
 * pool's file formats, an fs pool's filesystems, a disk pool's partition
 * types), which a volume's document does not say.
 */
#include <stdlib.h>

#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_rules.h"

/* Whether the volume names a backing store: libvirt takes one only with a
 * non-empty <path>. */
static bool vr_vol_backed(xmlNodePtr root)
{
    xmlNodePtr bs = xml_child(root, "backingStore");
    xmlNodePtr path = bs ? xml_child(bs, "path") : NULL;
    char *v = path ? xml_text(path) : NULL;
    free(v);
    return v != NULL;
}

bool vr_storagevol_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    bool ok = vr_exact_word(root, "type", file, d);
    if (!xml_child(root, "capacity") && !vr_vol_backed(root))
        ok = vc_error_at(d, xml_node_loc(file, root),
                         "missing <capacity> in <volume>: a volume without a backing store "
                         "is created with a size") && ok;
    ok = vr_perms_mode(xml_child(root, "target"), file, d) && ok;
    return vr_perms_mode(xml_child(root, "backingStore"), file, d) && ok;
}
