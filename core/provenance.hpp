// What every output file records about how it was made: tool version, git commit, the resolved
// config, the seed, the host and the time.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pixforge {

struct Provenance {
    std::string pixforge_version;  // e.g. "0.1.0"
    std::string git_describe;      // commit the binary was built from
    std::string created_utc;       // ISO 8601
    std::string host;
    std::string command_line;
};

// Filled for the running process; `command_line` is what the user typed.
Provenance current_provenance(const std::string& command_line);
std::string pixforge_version();

// The provenance as a JSON object (text), with `extra` keys such as the dataset a network was
// trained on: what a file records when its format has one attribute for it.
std::string provenance_json(const Provenance& p,
                            const std::vector<std::pair<std::string, std::string>>& extra = {});

}  // namespace pixforge
