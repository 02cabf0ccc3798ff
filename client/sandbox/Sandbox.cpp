#include "client/sandbox/Sandbox.h"

#include <seccomp.h>

#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <memory>

namespace cloison::sandbox {

namespace {

// Debian 12's linux/landlock.h knows ABI 2; later ABIs' rights are stable kernel ABI and
// spelled out here, used only when the running kernel reports that ABI.
constexpr std::uint64_t kFsExecute = 1ULL << 0;
constexpr std::uint64_t kFsWriteFile = 1ULL << 1;
constexpr std::uint64_t kFsReadFile = 1ULL << 2;
constexpr std::uint64_t kFsReadDir = 1ULL << 3;
constexpr std::uint64_t kFsRemoveDir = 1ULL << 4;
constexpr std::uint64_t kFsRemoveFile = 1ULL << 5;
constexpr std::uint64_t kFsMakeDir = 1ULL << 7;
constexpr std::uint64_t kFsMakeReg = 1ULL << 8;
constexpr std::uint64_t kFsAbi1 = (1ULL << 13) - 1;           // EXECUTE .. MAKE_SYM
constexpr std::uint64_t kFsRefer = 1ULL << 13;                // ABI 2
constexpr std::uint64_t kFsTruncate = 1ULL << 14;             // ABI 3
constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;             // ABI 5
constexpr std::uint64_t kNetBindTcp = 1ULL << 0;              // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;           // ABI 4
constexpr std::uint64_t kScopeAbstractUnixSocket = 1ULL << 0; // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;             // ABI 6
constexpr int kRulePathBeneath = 1;

struct RulesetAttr {
    std::uint64_t handledAccessFs;
    std::uint64_t handledAccessNet; // ABI 4
    std::uint64_t scoped;           // ABI 6
};

struct __attribute__((packed)) PathBeneathAttr {
    std::uint64_t allowedAccess;
    std::int32_t parentFd;
};

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

Error systemError(const std::string& what) {
    return makeError(ErrorCode::Io, what + ": " + std::strerror(errno));
}

std::uint64_t handledFs(int abi) {
    std::uint64_t rights = kFsAbi1;
    if (abi >= 2)
        rights |= kFsRefer;
    if (abi >= 3)
        rights |= kFsTruncate;
    if (abi >= 5)
        rights |= kFsIoctlDev;
    return rights;
}

// What a rule on a regular file may grant: the kernel refuses directory rights on a file.
constexpr std::uint64_t kFileRights =
    kFsExecute | kFsWriteFile | kFsReadFile | kFsTruncate | kFsIoctlDev;

Result<void> allowPath(int ruleset, const std::filesystem::path& path, std::uint64_t rights) {
    Fd target(::open(path.c_str(), O_PATH | O_CLOEXEC));
    if (target.fd < 0)
        return systemError("the sandbox cannot find " + path.string());
    std::error_code error;
    if (!std::filesystem::is_directory(path, error))
        rights &= kFileRights;
    PathBeneathAttr rule{rights, target.fd};
    if (::syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0) != 0)
        return systemError("the sandbox could not allow " + path.string());
    return {};
}

Result<Report> applyLandlock(const Policy& policy, Report report) {
    const int abi = report.landlockAbi;
    const std::uint64_t handled = handledFs(abi);
    RulesetAttr attr{handled, 0, 0};
    std::size_t size = sizeof(std::uint64_t);
    if (abi >= 4) {
        attr.handledAccessNet = kNetBindTcp | kNetConnectTcp;
        size += sizeof(std::uint64_t);
    }
    if (abi >= 6) {
        attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
        size += sizeof(std::uint64_t);
    }
    Fd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
    if (ruleset.fd < 0)
        return systemError("the sandbox could not create its Landlock rules");
    // Read-write: everything but executing, device ioctls, special files and links across.
    const std::uint64_t readWrite = kFsWriteFile | kFsReadFile | kFsReadDir | kFsRemoveDir |
                                    kFsRemoveFile | kFsMakeDir | kFsMakeReg |
                                    (abi >= 3 ? kFsTruncate : 0);
    for (const auto& path : policy.readWrite) {
        if (auto allowed = allowPath(ruleset.fd, path, readWrite); !allowed)
            return allowed.error();
    }
    for (const auto& path : policy.readOnly) {
        if (auto allowed = allowPath(ruleset.fd, path, kFsReadFile | kFsReadDir); !allowed)
            return allowed.error();
    }
    // TCP (ABI 4): handled, and no port allowed: no connect or bind gets through.
    if (::syscall(SYS_landlock_restrict_self, ruleset.fd, 0) != 0)
        return systemError("the sandbox could not apply its Landlock rules");
    report.filesystem = true;
    report.tcp = abi >= 4;
    report.scoped = abi >= 6;
    return report;
}

// What the worker's code (glibc, OpenSSL, libstrophe, SQLCipher, libsodium, libsignal) calls
// once it runs; read off `strace -f -c` of the real worker. Anything else fails with ENOSYS,
// which is what glibc expects of a syscall the kernel lacks (it falls back where it can).
constexpr const char* kAllowed[] = {
    // Files (which ones is Landlock's business).
    "read",
    "write",
    "readv",
    "writev",
    "pread64",
    "pwrite64",
    "lseek",
    "close",
    "fstat",
    "newfstatat",
    "statx",
    "stat",
    "lstat",
    "fstatfs",
    "statfs",
    "open",
    "openat",
    "unlink",
    "unlinkat",
    "rename",
    "renameat",
    "renameat2",
    "mkdir",
    "mkdirat",
    "fsync",
    "fdatasync",
    "ftruncate",
    "fcntl",
    "flock",
    "dup",
    "dup2",
    "dup3",
    "getdents64",
    "readlink",
    "readlinkat",
    "access",
    "faccessat",
    "faccessat2",
    "getcwd",
    "fchmod",
    "umask",
    "pipe2",
    "fadvise64",
    // Memory (mmap and mprotect: never executable, see below).
    "munmap",
    "madvise",
    "mremap",
    "brk",
    "mlock",
    "mlock2",
    "munlock",
    "membarrier",
    // Threads, signals, time.
    "futex",
    "set_robust_list",
    "get_robust_list",
    "rseq",
    "set_tid_address",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "sigaltstack",
    "restart_syscall",
    "exit",
    "exit_group",
    "gettid",
    "getpid",
    "getppid",
    "tgkill",
    "sched_yield",
    "sched_getaffinity",
    "clock_gettime",
    "clock_getres",
    "clock_nanosleep",
    "nanosleep",
    "gettimeofday",
    "time",
    "getrandom",
    "uname",
    "sysinfo",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getresuid",
    "getresgid",
    "prctl",
    "getrlimit",
    "getrusage",
    "getpriority",
    // Waiting for sockets.
    "poll",
    "ppoll",
    "select",
    "pselect6",
    "epoll_create1",
    "epoll_ctl",
    "epoll_wait",
    "epoll_pwait",
    "eventfd2",
    // Sockets it already has or opens (socket() itself is filtered below).

    "getsockopt",
    "setsockopt",
    "getsockname",
    "getpeername",
    "sendto",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "shutdown",
#if defined(CLOISON_SANITIZER_RUNTIME)
    // LeakSanitizer stops the process' own threads with ptrace from a helper it clones; the
    // Landlock domain still keeps ptrace from reaching any process outside the sandbox.
    "ptrace",
    "wait4",
    "waitid",
    "sched_setaffinity",
#endif
};

// Named so that a failure says which one; EPERM, the answer a person expects of "not allowed".
constexpr const char* kDenied[] = {
    "execve",
    "execveat",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kill",
    "tkill",
    "bind",
    "listen",
    "accept",
    "accept4",
    "socketpair",
    "mount",
    "umount2",
    "chroot",
    "pivot_root",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "memfd_create",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "reboot",
    "io_uring_setup",
    "name_to_handle_at",
    "open_by_handle_at",
    "seccomp",
    "fork",
    "vfork",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setgroups",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "mknod",
    "mknodat",
};

Result<void> addRule(scmp_filter_ctx filter, std::uint32_t action, const char* name,
                     unsigned count = 0, const scmp_arg_cmp* args = nullptr) {
    const int number = seccomp_syscall_resolve_name(name);
    if (number == __NR_SCMP_ERROR)
        return {}; // not a syscall on this architecture
    const int added = seccomp_rule_add_array(filter, action, number, count, args);
    if (added != 0)
        return makeError(ErrorCode::Internal, std::string("the sandbox could not filter ") + name +
                                                  ": " + std::strerror(-added));
    return {};
}

Result<void> applySeccomp() {
    std::unique_ptr<void, void (*)(scmp_filter_ctx)> filter(seccomp_init(SCMP_ACT_ERRNO(ENOSYS)),
                                                            seccomp_release);
    if (!filter)
        return makeError(ErrorCode::Internal, "the sandbox could not start its syscall filter");
    // Every thread of the process, not only the caller (there should be no other yet).
    if (seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_TSYNC, 1) != 0)
        return makeError(ErrorCode::Internal, "the sandbox cannot filter every thread");
    for (const char* name : kAllowed) {
        if (auto added = addRule(filter.get(), SCMP_ACT_ALLOW, name); !added)
            return added;
    }
    for (const char* name : kDenied) {
#if defined(CLOISON_SANITIZER_RUNTIME)
        if (std::strcmp(name, "ptrace") == 0)
            continue;
#endif
        if (auto added = addRule(filter.get(), SCMP_ACT_ERRNO(EPERM), name); !added)
            return added;
    }
    // Memory is never made executable: no shellcode from a parser bug runs as code.
    const scmp_arg_cmp noExec{2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0};
    const scmp_arg_cmp exec{2, SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC};
    for (const char* name : {"mmap", "mprotect", "pkey_mprotect"}) {
        if (auto added = addRule(filter.get(), SCMP_ACT_ALLOW, name, 1, &noExec); !added)
            return added;
        if (auto added = addRule(filter.get(), SCMP_ACT_ERRNO(EPERM), name, 1, &exec); !added)
            return added;
    }
    // New threads, never new processes (glibc's fork is a clone without CLONE_THREAD). clone3
    // passes its flags in memory a filter cannot read: left to the default ENOSYS, on which
    // glibc creates threads with clone.
#if defined(CLOISON_SANITIZER_RUNTIME)
    // LeakSanitizer's helper shares the memory (CLONE_VM) but is no thread; a fork never does.
    constexpr scmp_datum_t kSameProcess = CLONE_VM;
#else
    constexpr scmp_datum_t kSameProcess = CLONE_THREAD;
#endif
    const scmp_arg_cmp thread{0, SCMP_CMP_MASKED_EQ, kSameProcess, kSameProcess};
    const scmp_arg_cmp process{0, SCMP_CMP_MASKED_EQ, kSameProcess, 0};
    if (auto added = addRule(filter.get(), SCMP_ACT_ALLOW, "clone", 1, &thread); !added)
        return added;
    if (auto added = addRule(filter.get(), SCMP_ACT_ERRNO(EPERM), "clone", 1, &process); !added)
        return added;
    // connect() never runs: it answers "in progress" and the socket never connects. The
    // process' one connection was made before it entered (libstrophe takes it in place of the
    // socket it creates, and reads "in progress" as usual).
    if (auto added = addRule(filter.get(), SCMP_ACT_ERRNO(EINPROGRESS), "connect"); !added)
        return added;
    // Sockets: TCP over IPv4 and IPv6 only (no Unix, netlink, packet, raw or UDP sockets).
    for (int family : {AF_INET, AF_INET6}) {
        const scmp_arg_cmp stream[] = {{0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(family), 0},
                                       {1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM}};
        const scmp_arg_cmp other[] = {{0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(family), 0},
                                      {1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM}};
        const scmp_arg_cmp raw[] = {{0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(family), 0},
                                    {1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW}};
        if (auto added = addRule(filter.get(), SCMP_ACT_ALLOW, "socket", 2, stream); !added)
            return added;
        for (const scmp_arg_cmp* refused : {other, raw}) {
            if (auto added = addRule(filter.get(), SCMP_ACT_ERRNO(EPERM), "socket", 2, refused);
                !added)
                return added;
        }
    }
    for (int family : {AF_UNIX, AF_NETLINK, AF_PACKET}) {
        const scmp_arg_cmp is{0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(family), 0};
        if (auto added = addRule(filter.get(), SCMP_ACT_ERRNO(EPERM), "socket", 1, &is); !added)
            return added;
    }
    // Resource limits read, never raised.
    const scmp_arg_cmp readOnlyLimit{2, SCMP_CMP_EQ, 0, 0};
    if (auto added = addRule(filter.get(), SCMP_ACT_ALLOW, "prlimit64", 1, &readOnlyLimit); !added)
        return added;
    // ioctl: only asking how much a socket holds and whether a descriptor is a terminal.
    for (unsigned long request :
         {static_cast<unsigned long>(FIONREAD), static_cast<unsigned long>(FIONBIO),
          static_cast<unsigned long>(TCGETS)}) {
        const scmp_arg_cmp is{1, SCMP_CMP_EQ, request, 0};
        if (auto added = addRule(filter.get(), SCMP_ACT_ALLOW, "ioctl", 1, &is); !added)
            return added;
    }
    const int loaded = seccomp_load(filter.get());
    if (loaded != 0)
        return makeError(ErrorCode::Internal, std::string("the sandbox could not load its "
                                                          "syscall filter: ") +
                                                  std::strerror(-loaded));
    return {};
}

} // namespace

int landlockAbi() {
    const long abi =
        ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : static_cast<int>(abi);
}

std::string Report::describe() const {
    std::string out;
    if (landlockAbi == 0) {
        out = "no Landlock in this kernel: files are not confined by the sandbox";
    } else {
        out = "Landlock ABI " + std::to_string(landlockAbi) + ": files";
        if (tcp)
            out += ", no TCP connect or bind";
        else
            out += " (TCP rules need ABI 4)";
        if (scoped)
            out += ", signals and abstract sockets";
        else
            out += " (signal scoping needs ABI 6)";
    }
    out += seccomp ? "; seccomp allowlist, connect() never run" : "; no seccomp";
    out += "; no new privileges";
    return out;
}

Result<Report> enter(const Policy& policy) {
    // Landlock confines the calling thread and the threads it starts afterwards, not the
    // others: entering with a second thread running would leave that one free.
    std::error_code error;
    const auto threads =
        std::distance(std::filesystem::directory_iterator("/proc/self/task", error),
                      std::filesystem::directory_iterator());
    if (error || threads != 1)
        return makeError(ErrorCode::Internal, "the sandbox must be entered while the process has "
                                              "one thread (it has " +
                                                  std::to_string(threads) + ")");
    // Another process of the same user (another compartment's worker) cannot attach to this
    // one or read its memory through /proc.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return systemError("the sandbox could not make the process undumpable");
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return systemError("the sandbox could not drop new privileges");
    Report report;
    report.landlockAbi = landlockAbi();
    if (report.landlockAbi > 0) {
        auto confined = applyLandlock(policy, report);
        if (!confined)
            return confined.error();
        report = confined.value();
    }
    if (auto filtered = applySeccomp(); !filtered)
        return filtered.error();
    report.seccomp = true;
    return report;
}

} // namespace cloison::sandbox
