/*
 * test_dynlib.c: libraries opened when first needed (translators/dynlib.h):
 * functions found and callable through pointers of their own type, once;
 * a library or a function that is not there is an error naming it and the
 * package, said again at each later call, and leaves every slot NULL.
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "dynlib.h"

static struct {
    __typeof__(cos) *cos;
    __typeof__(sqrt) *sqrt;
} m;
static const vc_dl_sym m_syms[] = { VC_DL_SYM(m, cos), VC_DL_SYM(m, sqrt) };

static struct {
    __typeof__(cos) *cos;
    __typeof__(sqrt) *no_such_function;
} bad;
static const vc_dl_sym bad_syms[] = { VC_DL_SYM(bad, cos), VC_DL_SYM(bad, no_such_function) };

static bool said(const vc_diags *d, const char *a, const char *b)
{
    return d->n == 1 && strstr(d->v[0].message, a) && strstr(d->v[0].message, b);
}

int main(void)
{
    vc_dl_lib lib = VC_DL_LIB("libm.so.6", "libc6", m_syms);
    vc_diags d;
    vc_diags_init(&d);
    CHECK(vc_dl_load(&lib, &d) && d.n == 0, "a library is opened");
    CHECK(m.cos && m.sqrt && m.sqrt(16.0) == 4.0 && m.cos(0.0) == 1.0,
          "its functions are called through their pointers");
    CHECK(vc_dl_load(&lib, &d) && lib.state == 1, "a second load is the first's");

    vc_dl_lib gone = VC_DL_LIB("libvirtc-no-such-library.so.0", "virtc-none", m_syms);
    CHECK(!vc_dl_load(&gone, &d) && said(&d, "libvirtc-no-such-library.so.0", "virtc-none"),
          "a missing library: an error naming it and its package");
    vc_diags_free(&d);
    vc_diags_init(&d);
    CHECK(!vc_dl_load(&gone, &d) && said(&d, "cannot be loaded", "virtc-none"),
          "and again at the next call");
    vc_diags_free(&d);

    vc_diags_init(&d);
    vc_dl_lib half = VC_DL_LIB("libm.so.6", "libc6", bad_syms);
    CHECK(!vc_dl_load(&half, &d) && said(&d, "no function no_such_function", "libc6"),
          "a missing function: an error naming it");
    CHECK(!bad.cos && !bad.no_such_function, "and no slot is left filled");
    CHECK(!vc_dl_load(&half, NULL), "without diagnostics: false alone");
    vc_diags_free(&d);
    return check_done();
}
