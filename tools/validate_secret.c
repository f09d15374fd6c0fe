/*
 * validate_secret.c: a secret's checks beyond the schema.
 *
 * libvirt's secret schema takes its yes/no flags and usage types as
 * RelaxNG tokens, so spaces may stand around the word (ephemeral=" no");
 * its parser compares the word exactly and refuses such a secret
 * ("invalid value of 'ephemeral'", "unknown secret usage type"; libvirt
 * 9.0's parser asked). What else the parser wants (a UUID, the usage's
 * child) the schema says already.
 */
#include "../translators/util.h"
#include "validate_rules.h"

static const vr_word vr_secret_words[] = {
    { "secret", "ephemeral" },
    { "secret", "private" },
    { "usage", "type" },
};

bool vr_secret_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    return vr_exact_words(xmlDocGetRootElement(doc), vr_secret_words,
                          VC_ARRAY_SIZE(vr_secret_words), file, d);
}
