// The confinement a compartment's worker process puts itself in before it touches the network
// or any untrusted byte (issue 11): no new privileges, not dumpable, Landlock rules on the
// filesystem (and, where the kernel has them, no TCP connect or bind at all, no signals or
// abstract sockets out of the sandbox), and a seccomp allowlist without exec, ptrace or
// socket families other than IPv4 and IPv6, under which connect() is never run (it answers
// EINPROGRESS): the process uses only a connection made before it entered. It is irreversible
// and applies to every thread the process starts afterwards.
//
// Landlock is detected at run time: an older kernel gets what it supports (the report says
// which ABI and which rules applied), a kernel without it gets the rest. Seccomp is not
// optional: entering fails when the filter cannot be loaded.
#pragma once

#include "crypto/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cloison::sandbox {

struct Policy {
    // Files and directories (with all beneath them) the process may read and write, create
    // and remove files in: its own vault's directory and its scratch directory.
    std::vector<std::filesystem::path> readWrite;
    // Files and directories it may only read (CA certificates, for instance).
    std::vector<std::filesystem::path> readOnly;
};

struct Report {
    int landlockAbi = 0;          // 0: the kernel has no Landlock (or it is disabled)
    bool filesystem = false;      // Landlock rules on files
    bool tcp = false;             // Landlock refuses every TCP connect and bind
    bool scoped = false;          // no signals or abstract sockets out of the sandbox
    bool seccomp = false;         // the syscall allowlist is loaded
    std::string describe() const; // one line for the log: what applied
};

// The Landlock ABI version this kernel offers (0: none).
int landlockAbi();

// Applies `policy` to the calling process, which must have one thread only (the threads it
// starts later are confined too). On failure the process may be partly confined and must not
// go on to touch the network or untrusted data: the error says what could not be applied.
[[nodiscard]] Result<Report> enter(const Policy& policy);

} // namespace cloison::sandbox
