/* test_xen_map.c: the shared Xen mapping (specs of disks, vifs, chardevs,
 * PCI) and the xm/xl grammar's tree, each both ways where both exist. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"
#include "xen/xen_cfg.h"
#include "xen/xen_map.h"

static const vc_loc at = { "t.cfg", 3, 10 };

static ir_disk *parse_disk(ir_domain *dom, const char *spec, xen_dialect dl, vc_diags *d)
{
    size_t n = dom->ndevices;
    if (!xen_disk_parse(spec, dl, at, dom, d) || dom->ndevices != n + 1)
        return NULL;
    return &dom->devices[n].u.disk;
}

/* A spec parsed and written again gives the same spec. */
static bool disk_round_trip(const char *spec, xen_dialect dl)
{
    ir_domain *dom = ir_domain_new();
    vc_diags d;
    vc_diags_init(&d);
    ir_disk *disk = parse_disk(dom, spec, dl, &d);
    char *out = disk ? xen_disk_format(disk, dl, XEN_KIND_PV, at, &d) : NULL;
    bool ok = out && strcmp(out, spec) == 0 && d.n == 0;
    if (!ok)
        printf("# %s -> %s\n", spec, out ? out : "(null)");
    free(out);
    vc_diags_free(&d);
    ir_domain_free(dom);
    return ok;
}

static void test_disks(void)
{
    ir_domain *dom = ir_domain_new();
    vc_diags d;
    vc_diags_init(&d);
    ir_disk *k = parse_disk(dom, "tap:qcow:/x.img,xvdb,w", XEN_XM, &d);
    CHECK(k && k->type == IR_DISK_TYPE_FILE && vc_streq(k->driver_name, "tap") &&
              vc_streq(k->driver_type, "qcow") && vc_streq(k->source, "/x.img") &&
              k->target_bus == IR_BUS_XEN,
          "xm tap:qcow:");
    k = parse_disk(dom, "phy:/dev/sdb,hdc:cdrom,r", XEN_XM, &d);
    CHECK(k && k->type == IR_DISK_TYPE_BLOCK && k->device == IR_DISK_DEV_CDROM && k->readonly,
          "xm phy cdrom read-only");
    k = parse_disk(dom, "/root/image.iso,,hdc,cdrom", XEN_XL, &d);
    CHECK(k && k->device == IR_DISK_DEV_CDROM && k->readonly && vc_streq(k->driver_name, "qemu"),
          "xl positional with the cdrom flag");
    k = parse_disk(dom, "vdev=xvdc, access=ro, format=qed, target=/a,b.img", XEN_XL, &d);
    CHECK(k && vc_streq(k->source, "/a,b.img") && vc_streq(k->driver_type, "qed") && k->readonly,
          "xl key=value, blanks after commas, target= takes the rest");
    k = parse_disk(dom, "raw:/dev/vg/x,hda,w", XEN_XL, &d);
    CHECK(k && vc_streq(k->driver_type, "raw") && vc_streq(k->source, "/dev/vg/x"),
          "xl deprecated format prefix");
    CHECK(d.nerrors == 0, "no errors on good specs");
    vc_diags_clear(&d);
    CHECK(!parse_disk(dom, "nbd:/x,hda,w", XEN_XM, &d) && d.nerrors == 1 &&
              d.v[0].line == 3 && d.v[0].column == 10 && strstr(d.v[0].message, "nbd"),
          "unknown prefix: located error");
    vc_diags_clear(&d);
    CHECK(!parse_disk(dom, "phy:/x,hda,rw!", XEN_XM, &d) && d.nerrors == 1 &&
              d.v[0].column == 10 + (int)strlen("phy:/x,hda,"),
          "bad mode located inside the string");
    vc_diags_free(&d);
    ir_domain_free(dom);
    CHECK(disk_round_trip("phy:/dev/vg/a,xvda,w", XEN_XM), "xm phy round trip");
    CHECK(disk_round_trip("tap2:aio:/a.img,xvda,w!", XEN_XM), "xm tap2 shareable round trip");
    CHECK(disk_round_trip(",hdc:cdrom,r", XEN_XM), "xm empty cdrom round trip");
    CHECK(disk_round_trip("format=qcow2,vdev=xvda,access=rw,backendtype=qdisk,target=/a.qcow2",
                          XEN_XL), "xl qdisk round trip");
    CHECK(disk_round_trip("format=raw,vdev=hdb,access=rw,backendtype=qdisk,target=rbd:p/i:"
                          "auth_supported=none:mon_host=m1\\:6789\\;m2", XEN_XL),
          "xl rbd with hosts round trip");
}

static void test_vif(void)
{
    ir_domain *dom = ir_domain_new();
    vc_diags d;
    vc_diags_init(&d);
    xen_kvs kv = { 0 }, out = { 0 };
    const char *spec = "mac=00:16:3E:0A:0B:0C,bridge=br0.7,ip=10.0.0.1 fe80::1,"
                       "script=vif-openvswitch,model=e1000,vifname=v0,rate=2MB/s";
    xen_spec_split(spec, at, &kv);
    CHECK(kv.n == 7 && kv.v[1].loc.column == 10 + 22, "split locates each item");
    CHECK(xen_vif_to_ir(&kv, XEN_KIND_HVM, XEN_XL, dom, &d) && dom->ndevices == 1,
          "vif parsed");
    const ir_net *n = &dom->devices[0].u.net;
    CHECK(vc_streq(n->mac, "00:16:3e:0a:0b:0c") && vc_streq(n->source_bridge, "br0") &&
              n->type == IR_NET_BRIDGE && dom->devices[0].xml &&
              strstr(dom->devices[0].xml, "<tag id='7'/>") &&
              strstr(dom->devices[0].xml, "family='ipv6'") &&
              strstr(dom->devices[0].xml, "average='2048'"),
          "mac canonical, ovs tag, ips, rate in KiB/s");
    xen_vif_from_ir(&dom->devices[0], XEN_KIND_HVM, XEN_XL, at, &out, &d);
    char *back = xen_spec_join(&out);
    CHECK(strcmp(back, "mac=00:16:3e:0a:0b:0c,bridge=br0.7,ip=10.0.0.1 fe80::1,"
                       "script=vif-openvswitch,model=e1000,vifname=v0,rate=2048KB/s") == 0,
          "vif written back");
    free(back);
    xen_kvs_free(&kv);
    xen_kvs_free(&out);
    xen_spec_split("mac=00:16:3e:zz:00:00", at, &kv);
    CHECK(!xen_vif_to_ir(&kv, XEN_KIND_PV, XEN_XM, dom, &d) && d.nerrors == 1 &&
              d.v[d.n - 1].column == 14 && dom->ndevices == 1,
          "bad MAC: error at the value, no device left behind");
    xen_kvs_free(&kv);
    vc_diags_free(&d);
    ir_domain_free(dom);
}

static void test_chr_pci(void)
{
    static const char *const specs[] = {
        "pty", "null", "stdio", "/dev/ttyS0", "file:/tmp/s.log", "pipe:/tmp/p",
        "tcp:127.0.0.1:7777", "tcp:0.0.0.0:99,server,nowait", "telnet:h:23,server,nowait",
        "udp:1.2.3.4:5@0.0.0.0:6", "unix:/s.sock,server,nowait",
    };
    ir_domain *dom = ir_domain_new();
    vc_diags d;
    vc_diags_init(&d);
    bool ok = true, none;
    for (size_t i = 0; i < VC_ARRAY_SIZE(specs); i++) {
        size_t n = dom->ndevices;
        char *back = xen_chr_to_ir(specs[i], IR_CHRDEV_SERIAL, 0, at, dom, &none, &d)
                         ? xen_chr_format(&dom->devices[n].u.chr) : NULL;
        if (!back || strcmp(back, specs[i]) != 0) {
            printf("# %s -> %s\n", specs[i], back ? back : "(null)");
            ok = false;
        }
        free(back);
    }
    CHECK(ok, "every chardev form round trips");
    CHECK(!xen_chr_to_ir("none", IR_CHRDEV_SERIAL, 0, at, dom, &none, &d) && none && !d.n,
          "none is no device and no error");
    CHECK(!xen_chr_to_ir("tcp:nohostport", IR_CHRDEV_SERIAL, 0, at, dom, &none, &d) &&
              d.nerrors == 1, "tcp without host:port is an error");
    CHECK(xen_pci_to_ir("0c:1b.2", at, dom, &d), "short PCI address");
    char *p = xen_pci_format(&dom->devices[dom->ndevices - 1].u.hostdev);
    CHECK(strcmp(p, "0000:0c:1b.2") == 0, "PCI written in full");
    free(p);
    CHECK(!xen_pci_to_ir("0000:0c:1b.9", at, dom, &d), "PCI function 9 refused");
    vc_diags_free(&d);
    ir_domain_free(dom);
}

static void test_grammar(void)
{
    vc_diags d;
    vc_diags_init(&d);
    const char *text = "# c\nvnuma = [ [ 'a\\'b', \"c\\\"\" ],\n  [ 0x10, -3 ], ]  ; \nx=1";
    xcfg_file *f = xcfg_parse("g.cfg", text, strlen(text), true, &d);
    CHECK(f && f->n == 2 && f->v[0].line == 2 && f->v[1].line == 4, "entries located");
    const xcfg_value *v = f ? f->v[0].value : NULL;
    CHECK(v && v->kind == XCFG_LIST && v->n == 2 && v->items[0]->n == 2 &&
              strcmp(v->items[0]->items[0]->text, "a'b") == 0 &&
              v->items[0]->items[1]->column == 21 && v->items[1]->items[1]->kind == XCFG_INT,
          "nested lists, escapes, trailing comma, item columns");
    char *t = v ? xcfg_value_text(v) : NULL;
    CHECK(t && strcmp(t, "[ [ \"a'b\", 'c\"' ], [ 0x10, -3 ] ]") == 0, "value text");
    free(t);
    xcfg_file_free(f);
    CHECK(!xcfg_parse("g.cfg", "a = [ [ 1 ] ]\n", 14, false, &d) && d.nerrors == 1 &&
              d.v[0].column == 7, "xm refuses nested lists, at the inner list");
    vc_diags_clear(&d);
    CHECK(!xcfg_parse("g.cfg", "a = 1 2\n", 8, true, &d) && d.nerrors == 1 &&
              d.v[0].line == 1 && d.v[0].column == 7, "syntax error located");
    vc_diags_free(&d);
    char *q1 = xcfg_quote("say \"hi\""), *q2 = xcfg_quote("it's \"x\"\n");
    CHECK(strcmp(q1, "'say \"hi\"'") == 0, "double quotes inside: single-quoted");
    CHECK(strcmp(q2, "\"it's \\\"x\\\"\\n\"") == 0, "both quotes and a newline: escaped");
    free(q1);
    free(q2);
}

static bool has_warning(const vc_diags *d, const char *what)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == VC_SEV_WARNING && strstr(d->v[i].message, what))
            return true;
    return false;
}

/* Nothing lost silently: an unknown key is kept and comes back; what a
 * format cannot say is a warning naming it. */
static void test_kept_and_warned(void)
{
    vc_diags d;
    vc_diags_init(&d);
    const char *cfg = "name = 'k'\nmemory = 64\non_watchdog = \"reset\"\n"
                      "pool = [ 'a', 2 ]\n";
    ir_domain *dom = xen_xm_read("k.cfg", cfg, strlen(cfg), &d);
    CHECK(dom && has_warning(&d, "'on_watchdog' has no place") && d.v[0].line == 3 &&
              dom->metadata && strstr(dom->metadata, "on_watchdog"),
          "unknown key kept in metadata with a located warning");
    char *out = dom ? xen_xl_write(dom, "k.xml", &d) : NULL;
    CHECK(out && strstr(out, "\non_watchdog = \"reset\"\n") &&
              strstr(out, "\npool = [ \"a\", 2 ]\n"), "kept keys written back as they were");
    free(out);
    vc_diags_clear(&d);
    ir_device *wd = dom ? ir_domain_add_device(dom, IR_DEV_WATCHDOG, (ir_pos){ 9, 5 }) : NULL;
    if (wd)
        wd->u.watchdog.model = vc_xstrdup("i6300esb");
    out = dom ? xen_xm_write(dom, "k.xml", &d) : NULL;
    CHECK(out && has_warning(&d, "watchdog has no xm form") && d.v[d.n - 1].line == 9,
          "a device xm cannot say: warning at the element");
    free(out);
    ir_domain_free(dom);
    vc_diags_free(&d);
}

int main(void)
{
    test_kept_and_warned();
    test_disks();
    test_vif();
    test_chr_pci();
    test_grammar();
    return check_done();
}
