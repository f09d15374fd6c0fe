/*
 * validate_network.h: the checks `virtc validate` makes on a network
 * document beyond its schema, the ones libvirt's network parser makes
 * (what `virsh net-define` would refuse).
 */
#ifndef VIRTC_VALIDATE_NETWORK_H
#define VIRTC_VALIDATE_NETWORK_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "../translators/error.h"

/* doc has passed the network schema. Reports every rule it breaks, each
 * located at its element or attribute; false when there is one. */
bool vnet_check(xmlDocPtr doc, const char *file, vc_diags *d);

#endif
