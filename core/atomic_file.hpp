// Output files that are either absent or complete at their final path, even after kill -9 or a
// power cut: write to a temporary name in the same folder, fsync it, rename it into place, fsync
// the folder. Errors: DATA-010 naming the final path.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace pixforge {

// `text` as the whole content of `path`.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// The whole content of `path`, byte for byte; none when it cannot be opened.
std::optional<std::string> read_whole_file(const std::filesystem::path& path);

// One entry of a content-addressed cache (a dataset, a trained network, a liberty): true when
// `path` is already there; otherwise `build(temp)` writes it under a private temporary name, which
// is then published atomically (its folder created first). Two builders of one entry, in threads
// or processes, both succeed: the entry's name is a hash of its content, so either copy is right.
bool ensure_cached_file(const std::filesystem::path& path,
                        const std::function<void(const std::filesystem::path& temp)>& build);

// For writers that need a file name (HDF5, a library's own writer): write to temp(), then
// commit(). DATA-010 at once when the output folder does not exist. Destroyed uncommitted (an exception on
// the way), the temporary file is removed.
class AtomicFile {
  public:
    explicit AtomicFile(std::filesystem::path final_path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::filesystem::path& temp() const { return temp_; }
    void commit();

  private:
    std::filesystem::path final_, temp_;
    bool committed_ = false;
};

}  // namespace pixforge
