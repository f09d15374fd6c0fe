/*
 * domain_xml.h: the XML front end (XML -> IR) and formatter (IR -> XML) of
 * the domain document.
 */
#ifndef VIRTC_DOMAIN_XML_H
#define VIRTC_DOMAIN_XML_H

#include <libxml/tree.h>
#include <stddef.h>

#include "error.h"
#include "ir.h"

/*
 * Lowers a parsed (and schema-valid) <domain> document into the IR, making
 * the checks a schema cannot make (duplicate disk targets, a malformed uuid
 * or MAC, memory overflow, ...). Each problem is a located error in d; the
 * result is NULL when there is any.
 */
ir_domain *xml_domain_lower(xmlDocPtr doc, const char *file, vc_diags *d);

/* The whole front end: parse, check the root, validate against the domain
 * schema, lower. */
ir_domain *xml_domain_parse(const char *file, const char *data, size_t len, vc_diags *d);
ir_domain *xml_domain_parse_file(const char *file, vc_diags *d);
/* The same from a document already parsed (e.g. to read its root first);
 * takes doc (freed here, NULL allowed: the parse failed). */
ir_domain *xml_domain_parse_doc(xmlDocPtr doc, const char *file, vc_diags *d);

/* Canonical XML in libvirt's layout (two-space indent, single-quoted
 * attributes, today's forms). The result ends with a newline. */
char *xml_domain_format(const ir_domain *dom);

/* The attribute of a filesystem's <source> that holds its source, by the
 * filesystem type (NULL means "mount"): "dir", "file", "dev", ...; NULL
 * for a type whose source the model does not cover. */
const char *xml_fs_source_attr(const char *type);

#endif
