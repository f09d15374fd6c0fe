/*
 * test_harden.c: reproducers of the defects a hostile read found (issue 11
 * point 4), each failing before its fix: paths built from document strings,
 * reached without the schema (an IR from another front end).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "domain_xml.h"
#include "qemu/argv.h"
#include "qemu/caps.h"
#include "qemu/probe.h"
#include "util.h"
#include "xmldoc.h"

static bool diags_have(const vc_diags *d, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->v[i].message, text))
            return true;
    return false;
}

static const char doc_fmt[] =
    "<domain type='qemu'><name>%s</name><memory>131072</memory>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>%s</devices></domain>";

/* Lowered without the schema, as a from-native front end or a library
 * user would. */
static ir_domain *lower(const char *name, const char *devices, vc_diags *d)
{
    char *xml = vc_xasprintf(doc_fmt, name, devices);
    xmlDocPtr doc = xml_doc_read("t.xml", xml, strlen(xml), d);
    free(xml);
    ir_domain *dom = doc ? xml_domain_lower(doc, "t.xml", d) : NULL;
    xmlFreeDoc(doc);
    return dom;
}

static void test_name_traversal(void)
{
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = lower("../../../../../tmp/evil", "", &d);
    CHECK(!dom && diags_have(&d, "holds a '/'"), "lowering refuses a name with '/'");
    ir_domain_free(dom);
    vc_diags_free(&d);

    /* The emitter checks too: an IR need not come from the XML front end. */
    vc_diags_init(&d);
    dom = lower("ok", "", &d);
    qemu_caps *caps = qemu_caps_load_profile("qemu-7.2", &d);
    CHECK(dom && caps, "a plain domain lowers");
    if (dom && caps) {
        free(dom->name);
        dom->name = vc_xstrdup("../../tmp/evil");
        qemu_argv_opts opts = { .file = "t.xml", .test_env = true };
        qemu_launch *l = qemu_argv_build(dom, caps, &opts, &d);
        CHECK(!l && diags_have(&d, "cannot be part of a file name"),
              "no state directory from a name with '/'");
        qemu_launch_free(l);
    }
    ir_domain_free(dom);

    vc_diags_init(&d);
    dom = lower("ok", "<channel type='unix'><target type='virtio' name='..'/></channel>", &d);
    if (dom && caps) {
        qemu_argv_opts opts = { .file = "t.xml", .test_env = true };
        qemu_launch *l = qemu_argv_build(dom, caps, &opts, &d);
        CHECK(!l && diags_have(&d, "channel target name '..'"),
              "no channel socket path from a target name '..'");
        qemu_launch_free(l);
    } else {
        CHECK(false, "a channel domain lowers");
    }
    ir_domain_free(dom);
    qemu_caps_free(caps);
    vc_diags_free(&d);
}

/* A document's <emulator> is run to probe it only when it is a QEMU by
 * name: a trusted file (ours, 0755, in a 0700 directory) named id is not. */
static void test_probe_names(void)
{
    char *dir = vc_xstrdup("/tmp/virtc-t-harden-XXXXXX");
    CHECK(mkdtemp(dir) != NULL, "probe names: a private directory");
    char *id = vc_xasprintf("%s/id", dir);
    char *qemu = vc_xasprintf("%s/qemu-system-x86_64", dir);
    char *link = vc_xasprintf("%s/qemu-kvm", dir);
    FILE *f = fopen(id, "w");
    if (f) {
        fputs("#!/bin/sh\nexit 0\n", f);
        fclose(f);
    }
    chmod(id, 0755);
    CHECK(symlink("id", qemu) == 0, "probe names: a link named like QEMU");
    vc_diags d;
    vc_diags_init(&d);
    CHECK(!qemu_probe_trusted(id, &d) && diags_have(&d, "is not the name of a QEMU emulator") &&
              diags_have(&d, "--caps"),
          "a binary not named like QEMU is refused, pointing at --caps");
    vc_diags_clear(&d);
    CHECK(!qemu_probe_trusted(qemu, &d) && diags_have(&d, "'id' is not the name"),
          "the name that counts is the file's the links lead to");
    vc_diags_clear(&d);
    CHECK(!qemu_probe_cached(id, &d) && vc_diags_code(&d) == VC_ERR_RUNTIME,
          "the cached probe refuses it too");
    vc_diags_clear(&d);
    unlink(qemu);
    rename(id, qemu);
    CHECK(symlink("qemu-system-x86_64", link) == 0 && qemu_probe_trusted(link, &d) && d.n == 0,
          "a QEMU's name (through a link named qemu-kvm) is trusted");
    vc_diags_free(&d);
    unlink(link);
    unlink(qemu);
    rmdir(dir);
    free(link);
    free(qemu);
    free(id);
    free(dir);
}

int main(void)
{
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    test_name_traversal();
    test_probe_names();
    return check_done();
}
