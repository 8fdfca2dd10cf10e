#include "core/provenance.hpp"

#include <unistd.h>

#include <ctime>

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

}  // namespace pixforge
