/* dynlib.c: libraries opened when first needed (see dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

/* lib opened and its slots filled; its state and why set. */
static void dl_open(vc_dl_lib *lib)
{
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        lib->why = vc_xasprintf("%s cannot be loaded (install Debian's %s): %s", lib->soname,
                                lib->package, e ? e : "no reason given");
        lib->state = -1;
        return;
    }
    for (size_t i = 0; i < lib->nsyms; i++) {
        void *f = dlsym(h, lib->syms[i].name);
        if (!f) {
            lib->why = vc_xasprintf("%s has no function %s (install Debian's %s)", lib->soname,
                                    lib->syms[i].name, lib->package);
            for (size_t k = 0; k < i; k++)
                memset(lib->syms[k].slot, 0, sizeof(void (*)(void)));
            dlclose(h);
            lib->state = -1;
            return;
        }
        /* POSIX: what dlsym returns for a function can be used as a
         * pointer to it; copied byte for byte into a slot of its type */
        memcpy(lib->syms[i].slot, &f, sizeof(f));
    }
    lib->state = 1;   /* kept open to the end of the process */
}

bool vc_dl_load(vc_dl_lib *lib, vc_diags *d)
{
    pthread_mutex_lock(&dl_lock);
    if (lib->state == 0)
        dl_open(lib);
    bool ok = lib->state > 0;
    pthread_mutex_unlock(&dl_lock);
    if (!ok && d)
        vc_runtime_error(d, "%s", lib->why);
    return ok;
}
