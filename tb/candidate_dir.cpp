#include "tb/candidate_dir.hpp"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace pixforge::tb {

LoadedCandidate load_candidate_dir(const std::filesystem::path& dir, const std::filesystem::path& cache) {
    const auto summary_path = dir / "summary.json", network_path = dir / "network.h5";
    for (const auto& p : {summary_path, network_path})
        if (!std::filesystem::exists(p))
            throw PixError("SIM-003", fmt::format("{}: not a candidate folder: {} is missing (expected the output of "
                                                  "pixforge rtl -n net.h5 -t T -o {})",
                                                  dir.string(), p.filename().string(), dir.string()));
    std::ifstream in(summary_path);
    nlohmann::json summary;
    try {
        summary = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        throw PixError("SIM-003", fmt::format("{}: unreadable JSON: {}", summary_path.string(), e.what()));
    }
    if (!summary.contains("template") || !summary.contains("rtl_hash"))
        throw PixError("SIM-003", summary_path.string() + ": no \"template\" or \"rtl_hash\" key");
    LoadedCandidate c{models::load_network(network_path.string()),
                      rtl::parse_template_name(summary["template"].get<std::string>()), {}, {}};
    c.rtl = rtl::generate_verilog(c.network, c.hardware);
    if (c.rtl.rtl_hash() != summary["rtl_hash"].get<std::string>())
        throw PixError("SIM-003", fmt::format("{}: the Verilog was made from another network or pixforge version "
                                              "(RTL hash {} here, {} regenerated); rerun pixforge rtl",
                                              dir.string(), summary["rtl_hash"].get<std::string>(), c.rtl.rtl_hash()));
    c.library = rtl::CandidateBuilder(cache).build(c.rtl).library;
    return c;
}

}  // namespace pixforge::tb
