#include "tests/support/Terminal.h"

#include <poll.h>
#include <pty.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace cloison::test {

TerminalRun runOnTerminal(const std::vector<std::string>& args,
                          const std::vector<std::pair<std::string, std::string>>& answers,
                          const std::vector<std::string>& unsetEnvironment) {
    std::vector<char*> argv;
    for (const std::string& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0)
        throw std::runtime_error("forkpty failed");
    if (pid == 0) {
        for (const std::string& name : unsetEnvironment)
            ::unsetenv(name.c_str());
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    TerminalRun run;
    std::size_t searchFrom = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 500) <= 0)
            continue;
        char buffer[512];
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0)
            break;
        run.screen.append(buffer, static_cast<std::size_t>(n));
        if (run.answered < answers.size()) {
            const auto& [prompt, answer] = answers[run.answered];
            const auto at = run.screen.find(prompt, searchFrom);
            if (at != std::string::npos) {
                const std::string line = answer + "\n";
                if (::write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
                    break;
                searchFrom = at + prompt.size();
                ++run.answered;
            }
        }
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

} // namespace cloison::test
