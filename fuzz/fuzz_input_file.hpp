// The fuzz input as a file, for readers that take a path (HDF5, liberty). One file per process,
// rewritten for every input, removed at exit.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace pixforge::fuzz {

class InputFile {
  public:
    explicit InputFile(const std::string& extension)
        : path_(std::filesystem::temp_directory_path() /
                ("pixforge-fuzz-" + std::to_string(getpid()) + extension)) {}
    ~InputFile() { std::remove(path_.c_str()); }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    const std::string& write(const std::uint8_t* data, std::size_t size) {
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f) __builtin_trap();  // the harness itself failed, not the reader
        if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
        std::fclose(f);
        return path_;
    }

  private:
    std::string path_;
};

}  // namespace pixforge::fuzz
