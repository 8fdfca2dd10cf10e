#include "core/provenance.hpp"

#include <unistd.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "core/version.hpp"

namespace pixforge {

std::string pixforge_version() {
    return PIXFORGE_VERSION;
}

Provenance current_provenance(const std::string& command_line) {
    Provenance p;
    p.pixforge_version = PIXFORGE_VERSION;
    p.git_describe = PIXFORGE_GIT_DESCRIBE;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) p.host = host;
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    p.created_utc = stamp;
    p.command_line = command_line;
    return p;
}

std::string provenance_json(const Provenance& p,
                            const std::vector<std::pair<std::string, std::string>>& extra) {
    nlohmann::json j{{"pixforge_version", p.pixforge_version},
                     {"git_describe", p.git_describe},
                     {"created_utc", p.created_utc},
                     {"host", p.host},
                     {"command_line", p.command_line}};
    for (const auto& [key, value] : extra) j[key] = value;
    return j.dump();
}

}  // namespace pixforge
