#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
    throw PixError("DATA-010", fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)));
}

void fsync_path(const fs::path& path, int flags, const fs::path& final_path) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) fail(final_path, "cannot open " + path.string() + " to sync it");
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) fail(final_path, "cannot sync " + path.string() + " (disk full?)");
}

}  // namespace

AtomicFile::AtomicFile(fs::path final_path) : final_(std::move(final_path)) {
    const fs::path folder = final_.parent_path();
    if (!folder.empty() && !fs::is_directory(folder)) {
        errno = ENOENT;
        fail(final_, "the output folder does not exist; create it first");
    }
    // The pid and a counter keep two processes, or two threads, writing the same output apart; the
    // name says what it is.
    static std::atomic<std::uint64_t> serial{0};
    temp_ = final_.parent_path() /
            fmt::format(".{}.partial-{}-{}", final_.filename().string(), ::getpid(), serial++);
}

AtomicFile::~AtomicFile() {
    if (committed_) return;
    std::error_code ignored;
    fs::remove(temp_, ignored);
}

void AtomicFile::commit() {
    fsync_path(temp_, O_RDONLY, final_);
    std::error_code ec;
    fs::rename(temp_, final_, ec);
    if (ec) {
        errno = ec.value();
        fail(final_, "cannot move the finished file into place");
    }
    committed_ = true;
    const fs::path folder = final_.parent_path().empty() ? fs::path(".") : final_.parent_path();
    fsync_path(folder, O_RDONLY | O_DIRECTORY, final_);
}

bool ensure_cached_file(const fs::path& path, const std::function<void(const fs::path& temp)>& build) {
    if (fs::exists(path)) return true;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);  // AtomicFile names the folder if this failed
    AtomicFile file(path);
    build(file.temp());
    file.commit();
    return false;
}

std::optional<std::string> read_whole_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void write_file_atomically(const fs::path& path, const std::string& text) {
    AtomicFile file(path);
    const int fd = ::open(file.temp().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, "cannot create the output file (does the folder exist? permissions?)");
    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            fail(path, "cannot write the output file (disk full?)");
        }
        data += n, left -= static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail(path, "cannot write the output file (disk full?)");
    file.commit();  // fsyncs before the rename
}

}  // namespace pixforge
