// Shared helpers for the test binaries: source-tree paths (tests never depend on the working
// directory), golden-file comparison with one switch to refresh, and temporary folders.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <unistd.h>

#include "core/error.hpp"

namespace pixforge::test {

inline std::filesystem::path source_dir() {
    return PIXFORGE_SOURCE_DIR;
}
inline std::filesystem::path tests_dir() {
    return source_dir() / "tests";
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Returns "" when `actual` matches the golden file, else a description. With
// PIXFORGE_UPDATE_GOLDEN=1 in the environment the golden file is rewritten instead.
inline std::string compare_golden(const std::filesystem::path& golden, const std::string& actual) {
    if (const char* update = std::getenv("PIXFORGE_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::filesystem::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << actual;
        return "";
    }
    if (!std::filesystem::exists(golden)) return "missing golden file " + golden.string();
    const std::string expected = read_text(golden);
    return expected == actual ? "" : "expected:\n" + expected + "\nactual:\n" + actual;
}

// The message ID of the PixError that `f` throws, or "none".
inline std::string error_id(const std::function<void()>& f) {
    try {
        f();
    } catch (const PixError& e) {
        return e.id();
    }
    return "none";
}

// A fresh folder under /tmp, removed with the object.
class TempDir {
  public:
    TempDir() {
        path_ = std::filesystem::temp_directory_path() /
                ("pixforge-test-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }

  private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::filesystem::path path_;
};

}  // namespace pixforge::test
