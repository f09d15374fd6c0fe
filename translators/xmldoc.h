/*
 * xmldoc.h: reading XML documents with positions.
 *
 * libxml2 2.9 records a line per node but no column. Every parser of this
 * project must point at the input (file:line:column), so xml_doc_read hooks
 * the SAX start-element callback and stores the column of each element's '<'
 * in node->_private, and the column of each attribute's name in the
 * attribute's _private. No other code may use _private.
 */
#ifndef VIRTC_XMLDOC_H
#define VIRTC_XMLDOC_H

#include <libxml/tree.h>
#include <stddef.h>

#include "error.h"

/* Parse data (len bytes) named file. On failure returns NULL with located
 * errors in d. Never touches the network, never loads external entities. */
xmlDocPtr xml_doc_read(const char *file, const char *data, size_t len, vc_diags *d);
/* xml_doc_read with flags. XML_DOC_NOBLANKS drops the whitespace-only text
 * between elements (text that is an element's whole content stays): less to
 * build, walk and free for readers that never write the tree back, such as
 * `virtc validate` (RelaxNG ignores that whitespace anyway). */
#define XML_DOC_NOBLANKS 1u
xmlDocPtr xml_doc_read_opts(const char *file, const char *data, size_t len, unsigned flags,
                            vc_diags *d);
/* Read and parse a file ("-" for standard input). */
xmlDocPtr xml_doc_read_file(const char *file, vc_diags *d);

int xml_node_line(xmlNodePtr n);
int xml_node_column(xmlNodePtr n);     /* 0 when unknown */
/* Where n is; an attribute is its own name's position, text its element's. */
vc_loc xml_node_loc(const char *file, xmlNodePtr n);

/* Convenience accessors; returned strings are owned by the caller (free()). */
char *xml_prop(xmlNodePtr n, const char *name);
char *xml_attr_value(xmlAttrPtr a);    /* NULL for NULL */
char *xml_text(xmlNodePtr n);          /* text content, NULL when empty */
xmlNodePtr xml_child(xmlNodePtr n, const char *name);   /* first element child named */
/* Serializes an element (with its namespace declarations) verbatim. */
char *xml_node_dump(xmlNodePtr n);

/* libxml2 global set-up; idempotent and thread-safe. */
void xml_init(void);

#endif
