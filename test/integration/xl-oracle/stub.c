/*
 * LD_PRELOAD shim that lets Xen's real xl (Debian's xen-utils-4.17) run its dry
 * run (`xl -N create FILE`, `xl -N block-attach 0 SPEC`, `xl -N network-attach 0
 * SPEC`) on a machine with no hypervisor: it answers the few calls xl makes to
 * open the hypervisor and xenstore and to ask about the host, and nothing else.
 * Everything that reads a config (libxlu, xl_parse.c, libxl's JSON) is the real code.
 * Built by test/integration/xl-oracle.test.ts with `cc -shared -fPIC`.
 */
#include <string.h>
#include <libxl.h>
#include <xenctrl.h>
#include <xenstore.h>

static int handle;

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger, unsigned open_flags)
{
    (void)logger; (void)dombuild_logger; (void)open_flags;
    return (xc_interface *)&handle;
}

int xc_interface_close(xc_interface *xch) { (void)xch; return 0; }

struct xs_handle *xs_open(unsigned long flags) { (void)flags; return (struct xs_handle *)&handle; }

void xs_close(struct xs_handle *xsh) { (void)xsh; }

const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx)
{
    static libxl_version_info info;
    (void)ctx;
    info.xen_version_major = 4;
    info.xen_version_minor = 17;
    info.xen_version_extra = ".0";
    info.compiler = "";
    info.compile_by = "";
    info.compile_domain = "";
    info.compile_date = "";
    info.capabilities = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64";
    info.changeset = "";
    info.pagesize = 4096;
    info.commandline = "";
    info.build_id = "";
    return &info;
}

/* A 4-CPU, 4 GiB x86 host with HVM, PV, HAP and shadow paging. */
int libxl_get_physinfo(libxl_ctx *ctx, libxl_physinfo *physinfo)
{
    (void)ctx;
    memset(physinfo, 0, sizeof(*physinfo));
    physinfo->threads_per_core = 1;
    physinfo->cores_per_socket = 4;
    physinfo->max_cpu_id = 3;
    physinfo->nr_cpus = 4;
    physinfo->nr_nodes = 1;
    physinfo->cpu_khz = 2000000;
    physinfo->total_pages = 1u << 20;
    physinfo->free_pages = 3u << 18;
    physinfo->cap_hvm = 1;
    physinfo->cap_pv = 1;
    physinfo->cap_hap = 1;
    physinfo->cap_shadow = 1;
    return 0;
}

int libxl_get_max_cpus(libxl_ctx *ctx) { (void)ctx; return 4; }
int libxl_get_max_nodes(libxl_ctx *ctx) { (void)ctx; return 1; }
int libxl_get_online_cpus(libxl_ctx *ctx) { (void)ctx; return 4; }
