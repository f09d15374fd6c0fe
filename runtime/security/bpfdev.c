/*
 * bpfdev.c: the device allow-list on cgroup v2, as a BPF program.
 *
 * cgroup v2 has no "devices" controller: the kernel instead runs the
 * BPF_PROG_TYPE_CGROUP_DEVICE programs attached to a process's cgroup (and
 * its ancestors) on every open or mknod of a device node, and refuses the
 * access with EPERM when a program returns 0. The program is assembled here
 * by hand from the rules (no compiler, no libbpf) and handed to bpf(2).
 *
 * The program's input (R1 on entry) is a struct bpf_cgroup_dev_ctx:
 *
 *   offset 0  u32 access_type   (access << 16) | type
 *                               type:   BPF_DEVCG_DEV_BLOCK 1, _CHAR 2
 *                               access: BPF_DEVCG_ACC_MKNOD 1, _READ 2, _WRITE 4
 *   offset 4  u32 major
 *   offset 8  u32 minor
 *
 * The program, for rules R1..Rn:
 *
 *       r2 = *(u32 *)(r1 + 0)      access_type
 *       r3 = r2
 *       r2 &= 0xffff               r2: device type
 *       r3 >>= 16                  r3: access asked
 *       r4 = *(u32 *)(r1 + 4)      r4: major
 *       r5 = *(u32 *)(r1 + 8)      r5: minor
 *   for each rule (a field that is "any" has no test):
 *       if r2 != TYPE goto next
 *       if r4 != MAJOR goto next
 *       if r5 != MINOR goto next
 *       r0 = r3
 *       r0 &= ~ACCESS & 7          asked for something not granted?
 *       if r0 != 0 goto next
 *       r0 = 1                     allow
 *       exit
 *   next: ...
 *       r0 = 0                     nothing matched: deny
 *       exit
 *
 * Each instruction is a struct bpf_insn of 8 bytes: an opcode byte, the
 * destination and source register numbers in one byte (4 bits each), a
 * signed 16-bit offset (jumps: instructions to skip after this one; loads:
 * the byte offset from the base register) and a signed 32-bit immediate.
 * The opcode is an or of three parts (<linux/bpf_common.h>):
 *   class:  BPF_LDX (load into a register), BPF_ALU64 (64-bit arithmetic),
 *           BPF_JMP (jumps and exit);
 *   size/mode for loads: BPF_W (32 bits) | BPF_MEM (register + offset);
 *   operation for ALU/JMP: BPF_MOV, BPF_AND, BPF_RSH, BPF_JNE, BPF_EXIT,
 *           with BPF_K (the operand is imm) or BPF_X (the operand is src).
 * The 32-bit loads zero-extend, so the register compares against the
 * immediate (sign-extended to 64 bits; device numbers fit in 31 bits) are
 * exact.
 *
 * rt_bpfdev_run interprets exactly this instruction subset, so the unit
 * tests check the verdicts of the very array the kernel gets.
 */
#include "security.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../translators/util.h"

enum { RT_R0, RT_R1, RT_R2, RT_R3, RT_R4, RT_R5 };

typedef struct rt_bpf_prog {
    struct bpf_insn *v;
    size_t n, cap;
} rt_bpf_prog;

static size_t rt_bpf_emit(rt_bpf_prog *p, uint8_t code, int dst, int src, int16_t off,
                          int32_t imm)
{
    vc_xgrow((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v));
    struct bpf_insn *i = &p->v[p->n];
    memset(i, 0, sizeof(*i));
    i->code = code;
    i->dst_reg = dst & 0xf;
    i->src_reg = src & 0xf;
    i->off = off;
    i->imm = imm;
    return p->n++;
}

/* dst = *(u32 *)(src + off) */
static void rt_bpf_ldx_w(rt_bpf_prog *p, int dst, int src, int16_t off)
{
    rt_bpf_emit(p, BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0);
}

/* dst OP= imm (64-bit) */
static void rt_bpf_alu_k(rt_bpf_prog *p, uint8_t op, int dst, int32_t imm)
{
    rt_bpf_emit(p, BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}

/* dst = src (64-bit) */
static void rt_bpf_mov_x(rt_bpf_prog *p, int dst, int src)
{
    rt_bpf_emit(p, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

/* if dst != imm goto (patched later); returns the instruction's index. */
static size_t rt_bpf_jne_k(rt_bpf_prog *p, int dst, int32_t imm)
{
    return rt_bpf_emit(p, BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm);
}

static void rt_bpf_exit_with(rt_bpf_prog *p, int32_t verdict)
{
    rt_bpf_alu_k(p, BPF_MOV, RT_R0, verdict);
    rt_bpf_emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* The kernel's type bit for 'b' / 'c'; 0 for 'a' (no test). */
static int32_t rt_bpf_type_bit(char type)
{
    return type == 'b' ? BPF_DEVCG_DEV_BLOCK : type == 'c' ? BPF_DEVCG_DEV_CHAR : 0;
}

/* Our RT_DEV_* bits as the kernel's BPF_DEVCG_ACC_* bits. */
static int32_t rt_bpf_access_bits(unsigned access)
{
    return ((access & RT_DEV_READ) ? BPF_DEVCG_ACC_READ : 0) |
           ((access & RT_DEV_WRITE) ? BPF_DEVCG_ACC_WRITE : 0) |
           ((access & RT_DEV_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* One rule's block; its failed tests jump to the instruction after it. */
static void rt_bpf_rule(rt_bpf_prog *p, const rt_dev_rule *r)
{
    size_t jumps[4], nj = 0;
    int32_t type = rt_bpf_type_bit(r->type);
    if (type)
        jumps[nj++] = rt_bpf_jne_k(p, RT_R2, type);
    if (r->major != RT_DEV_ANY)
        jumps[nj++] = rt_bpf_jne_k(p, RT_R4, (int32_t)r->major);
    if (r->minor != RT_DEV_ANY)
        jumps[nj++] = rt_bpf_jne_k(p, RT_R5, (int32_t)r->minor);
    rt_bpf_mov_x(p, RT_R0, RT_R3);
    rt_bpf_alu_k(p, BPF_AND, RT_R0, ~rt_bpf_access_bits(r->access) & 7);
    jumps[nj++] = rt_bpf_jne_k(p, RT_R0, 0);
    rt_bpf_exit_with(p, 1);
    for (size_t i = 0; i < nj; i++)
        p->v[jumps[i]].off = (int16_t)(p->n - (jumps[i] + 1));
}

struct bpf_insn *rt_bpfdev_build(const rt_dev_rules *rules, size_t *n)
{
    rt_bpf_prog p = { NULL, 0, 0 };
    rt_bpf_ldx_w(&p, RT_R2, RT_R1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
    rt_bpf_mov_x(&p, RT_R3, RT_R2);
    rt_bpf_alu_k(&p, BPF_AND, RT_R2, 0xffff);
    rt_bpf_alu_k(&p, BPF_RSH, RT_R3, 16);
    rt_bpf_ldx_w(&p, RT_R4, RT_R1, offsetof(struct bpf_cgroup_dev_ctx, major));
    rt_bpf_ldx_w(&p, RT_R5, RT_R1, offsetof(struct bpf_cgroup_dev_ctx, minor));
    for (size_t i = 0; i < rules->n; i++)
        rt_bpf_rule(&p, &rules->v[i]);
    rt_bpf_exit_with(&p, 0);
    *n = p.n;
    return p.v;
}

/* ---- the interpreter of that subset ------------------------------------- */

/* One ALU64 instruction with operand val; false for an operation we never emit. */
static bool rt_bpf_alu(uint64_t *dst, uint8_t op, uint64_t val)
{
    switch (op) {
    case BPF_MOV: *dst = val; return true;
    case BPF_AND: *dst &= val; return true;
    case BPF_RSH: *dst = val < 64 ? *dst >> val : 0; return true;
    default: return false;
    }
}

int rt_bpfdev_run(const struct bpf_insn *insns, size_t n, char type, long major, long minor,
                  unsigned access)
{
    struct bpf_cgroup_dev_ctx ctx = {
        .access_type = ((uint32_t)rt_bpf_access_bits(access) << 16) |
                       (uint32_t)rt_bpf_type_bit(type),
        .major = (uint32_t)major,
        .minor = (uint32_t)minor,
    };
    uint64_t r[11] = { 0 };
    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_insn *i = &insns[pc];
        uint64_t k = (uint64_t)(int64_t)i->imm;
        switch (i->code) {
        case BPF_LDX | BPF_W | BPF_MEM: {
            /* Only the context is ever read, through r1. */
            if (i->src_reg != RT_R1 || i->off < 0 || (size_t)i->off + 4 > sizeof(ctx))
                return -1;
            uint32_t w;
            memcpy(&w, (const char *)&ctx + i->off, 4);
            r[i->dst_reg] = w;
            break;
        }
        case BPF_ALU64 | BPF_MOV | BPF_X:
            r[i->dst_reg] = r[i->src_reg];
            break;
        case BPF_JMP | BPF_JNE | BPF_K:
            if (r[i->dst_reg] != k)
                pc += (size_t)i->off;
            break;
        case BPF_JMP | BPF_EXIT:
            return (int)r[RT_R0];
        default:
            if (BPF_CLASS(i->code) != BPF_ALU64 || BPF_SRC(i->code) != BPF_K ||
                !rt_bpf_alu(&r[i->dst_reg], BPF_OP(i->code), k))
                return -1;
        }
    }
    return -1;   /* fell off the end: the verifier would refuse it */
}

/* ---- loading and attaching ----------------------------------------------- */

static long rt_bpf(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* BPF_PROG_LOAD of the program; with log (of logsize bytes) the
 * verifier explains a refusal there. */
static int rt_bpf_load(const struct bpf_insn *insns, size_t n, char *log, size_t logsize)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)n;
    attr.license = (uint64_t)(uintptr_t)"GPL";
    if (log) {
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = (uint32_t)logsize;
        attr.log_level = 1;
    }
    return (int)rt_bpf(BPF_PROG_LOAD, &attr);
}

int rt_bpfdev_attach(const rt_dev_rules *rules, int dir_fd, vc_diags *d)
{
    size_t n;
    struct bpf_insn *insns = rt_bpfdev_build(rules, &n);
    /* Without a log first: the verifier writes one only when asked, and
     * that costs more than the check itself. */
    int prog = rt_bpf_load(insns, n, NULL, 0);
    if (prog < 0) {
        int err = errno;
        size_t logsize = 64 * 1024;
        char *log = vc_xcalloc(1, logsize);
        int again = rt_bpf_load(insns, n, log, logsize);
        if (again >= 0) {
            close(again);
            snprintf(log, logsize, "(it loaded when asked for the verifier's log)");
        }
        vc_runtime_error(d, "cannot load the cgroup device program (bpf BPF_PROG_LOAD): %s%s%s",
                         strerror(err), log[0] ? ": " : "", log);
        free(log);
        free(insns);
        return -1;
    }
    free(insns);
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dir_fd;
    attr.attach_bpf_fd = (uint32_t)prog;
    attr.attach_type = BPF_CGROUP_DEVICE;
    /* Programs of the ancestors (systemd's DevicePolicy, a container's)
     * keep running next to ours, each able to deny: a guest never gets
     * more than its supervisor's cgroup allows. */
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (rt_bpf(BPF_PROG_ATTACH, &attr) != 0) {
        vc_runtime_error(d, "cannot attach the cgroup device program (bpf BPF_PROG_ATTACH): %s",
                         strerror(errno));
        close(prog);
        return -1;
    }
    return prog;
}
