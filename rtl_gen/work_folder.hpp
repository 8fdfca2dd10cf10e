// Private work folders and their atomic publication into a content-addressed cache. Concurrent
// workers (threads or processes) on the same key never share a folder; the first to finish
// publishes its folder under the key, the others discard theirs and use the winner's.
#pragma once

#include <filesystem>
#include <string>

namespace pixforge::rtl {

// A new, empty folder `parent/.<stem>.tmp-XXXXXX` that no other thread or process can receive
// (mkdtemp). PIX-002 when it cannot be created.
std::filesystem::path make_private_folder(const std::filesystem::path& parent, const std::string& stem);

// Renames `temp` to `final_path` in one step. True when this call published it; false when
// another worker published `final_path` first (then `temp` is removed). PIX-002 when the move
// fails for another reason.
bool publish_folder(const std::filesystem::path& temp, const std::filesystem::path& final_path);

}  // namespace pixforge::rtl
