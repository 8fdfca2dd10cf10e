#include "core/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge {

std::string ProcessResult::describe() const {
    if (timed_out) return fmt::format("timed out after {:.0f} s", seconds);
    if (exited) return fmt::format("exit {}", exit_code);
    return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& log,
                          double timeout_s, const std::filesystem::path& working_dir) {
    if (argv.empty()) throw PixError("PIX-001", "run_process: empty command");
    const auto start = std::chrono::steady_clock::now();
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw PixError("PIX-001", fmt::format("cannot write the log {}", log.string()));
    const pid_t pid = fork();
    if (pid < 0) {
        ::close(fd);
        throw PixError("PIX-001", fmt::format("cannot start {}: fork failed", argv.front()));
    }
    if (pid == 0) {  // child: own process group, so a timeout kills the tool's own children too
        setpgid(0, 0);
        dup2(fd, 1), dup2(fd, 2), ::close(fd);
        if (!working_dir.empty() && chdir(working_dir.c_str()) != 0) _exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        dprintf(2, "pixforge: cannot execute %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    ::close(fd);
    setpgid(pid, pid);
    ProcessResult r;
    int status = 0;
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    auto pause = std::chrono::microseconds(200);
    while (true) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (elapsed() > timeout_s) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            r.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(20000));
    }
    kill(-pid, SIGKILL);  // whatever the tool left running in its group
    r.seconds = elapsed();
    if (!r.timed_out) {
        r.exited = WIFEXITED(status);
        r.exit_code = r.exited ? WEXITSTATUS(status) : -1;
        r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    if (r.exited && r.exit_code == 127) {
        const std::string tail = log_tail(log, 300);
        if (tail.find("cannot execute") != std::string::npos)
            throw PixError("PIX-001",
                           fmt::format("{} is not installed or not on PATH ({})", argv.front(), tail));
    }
    return r;
}

std::filesystem::path find_executable(const std::string& name) {
    namespace fs = std::filesystem;
    auto runnable = [](const fs::path& p) {
        std::error_code ec;
        return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
    };
    if (name.empty()) return {};
    if (name.find('/') != std::string::npos) return runnable(name) ? fs::path(name) : fs::path();
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;  // an empty entry means the working folder: never trusted
        const fs::path candidate = fs::path(dir) / name;
        if (runnable(candidate)) return candidate;
    }
    return {};
}

std::string log_tail(const std::filesystem::path& log, std::size_t max_chars) {
    std::ifstream in(log);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    if (text.size() > max_chars) text = "..." + text.substr(text.size() - max_chars);
    return text;
}

}  // namespace pixforge
