#include "tb/candidate_dir.hpp"

#include <cmath>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/error.hpp"

namespace pixforge::tb {

namespace {

[[noreturn]] void refuse(const char* id, const std::string& where, const std::string& key,
                         const std::string& mine, const std::string& chain) {
    throw PixError(
        id, fmt::format("{}: the candidate was built for {} = {}, the config has {} = {}; run it in the "
                        "chain it was built for (--set {}={}) or rebuild it for this one",
                        where, key, mine, key, chain, key, mine));
}

// A text value of summary.json; SIM-003 naming the file and the key when it is absent or not text.
std::string text_key(const nlohmann::json& summary, const char* key, const std::filesystem::path& file) {
    const auto it = summary.find(key);
    if (it == summary.end())
        throw PixError("SIM-003", fmt::format("{}: no \"{}\" key; rerun pixforge rtl", file.string(), key));
    if (!it->is_string())
        throw PixError("SIM-003",
                       fmt::format("{}: \"{}\" is the {} {}; expected text as pixforge rtl writes it",
                                   file.string(), key, it->type_name(), it->dump()));
    return it->get<std::string>();
}

}  // namespace

void check_candidate_fits_chain(const std::string& where, const models::QuantizedNetwork& net,
                                const rtl::GeneratedRtl& rtl, const models::ChainParams& chain) {
    // The chain the network was trained in, when it says (hand-made and random networks do not).
    std::optional<models::ChainParams> trained;
    if (!net.config.empty())
        trained = models::chain_params_from_stored(net.config, where + "/network.h5:/config");
    const int window = trained ? trained->trigger.window : rtl.samples;
    if (window != chain.trigger.window || rtl.samples > chain.trigger.window)
        refuse("SIM-005", where, "trigger.window", std::to_string(window),
               std::to_string(chain.trigger.window));
    if (rtl.sample_bits != chain.adc.bits)
        refuse("SIM-006", where, "adc.bits", std::to_string(rtl.sample_bits), std::to_string(chain.adc.bits));
    const int baseline_samples = net.input.baseline_log2 > 0 ? 1 << net.input.baseline_log2 : 0;
    if (baseline_samples > chain.trigger.pre_trigger)
        throw PixError("SIM-007",
                       fmt::format("{}: the candidate averages its baseline over the first {} samples, but "
                                   "the config has trigger.pre_trigger = {}: they must lie before the "
                                   "trigger",
                                   where, baseline_samples, chain.trigger.pre_trigger));
    if (!trained) return;
    if (trained->trigger.pre_trigger != chain.trigger.pre_trigger)
        refuse("SIM-007", where, "trigger.pre_trigger", std::to_string(trained->trigger.pre_trigger),
               std::to_string(chain.trigger.pre_trigger));
    // A fixed pedestal is the code of the trained chain's baseline: another baseline shifts every energy.
    const auto same = [](double a, double b) {
        return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
    };
    if (net.input.baseline_log2 == 0 && (!same(trained->adc.baseline_e, chain.adc.baseline_e) ||
                                         !same(trained->adc.full_scale_e, chain.adc.full_scale_e)))
        refuse("SIM-007", where, "adc.baseline / adc.full_scale",
               fmt::format("{:.6g} e- / {:.6g} e-", trained->adc.baseline_e, trained->adc.full_scale_e),
               fmt::format("{:.6g} e- / {:.6g} e-", chain.adc.baseline_e, chain.adc.full_scale_e));
}

namespace {

struct CandidateSummary {
    std::string template_name, rtl_hash;
};

// summary.json of a candidate folder; SIM-003 when it or network.h5 is missing or unreadable.
CandidateSummary read_summary(const std::filesystem::path& dir) {
    const auto summary_path = dir / "summary.json", network_path = dir / "network.h5";
    if (!std::filesystem::exists(summary_path) && network_folders(dir).size() > 1)
        throw PixError("SIM-014", fmt::format("{} holds several networks sharing one pixel block (core0/, "
                                              "core1/, ...); this command takes the folder of one network, "
                                              "such as {}",
                                              dir.string(), core_folder(dir, 0).string()));
    for (const auto& p : {summary_path, network_path})
        if (!std::filesystem::exists(p))
            throw PixError("SIM-003",
                           fmt::format("{}: not a candidate folder: {} is missing (expected the output of "
                                       "pixforge rtl -n net.h5 -t T -o {})",
                                       dir.string(), p.filename().string(), dir.string()));
    std::ifstream in(summary_path);
    nlohmann::json summary;
    try {
        summary = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        throw PixError("SIM-003", fmt::format("{}: unreadable JSON: {}", summary_path.string(), e.what()));
    }
    if (!summary.is_object())
        throw PixError("SIM-003", fmt::format("{}: holds a JSON {}; expected the object pixforge rtl writes",
                                              summary_path.string(), summary.type_name()));
    return {text_key(summary, "template", summary_path), text_key(summary, "rtl_hash", summary_path)};
}

}  // namespace

LoadedCandidate load_candidate_dir(const std::filesystem::path& dir, const std::filesystem::path& cache,
                                   const models::ChainParams& chain) {
    const CandidateSummary summary = read_summary(dir);
    const std::string& rtl_hash = summary.rtl_hash;
    LoadedCandidate c{models::load_network((dir / "network.h5").string()),
                      rtl::parse_template_name(summary.template_name),
                      {},
                      {}};
    c.rtl = rtl::generate_verilog(c.network, c.hardware);
    if (c.rtl.rtl_hash() != rtl_hash)
        throw PixError("SIM-003",
                       fmt::format("{}: the Verilog was made from another network or pixforge version "
                                   "(RTL hash {} here, {} regenerated); rerun pixforge rtl",
                                   dir.string(), rtl_hash, c.rtl.rtl_hash()));
    check_candidate_fits_chain(dir.string(), c.network, c.rtl, chain);
    c.library = rtl::VerilatedLibraryBuilder(cache).build(c.rtl).library;
    return c;
}

std::filesystem::path core_folder(const std::filesystem::path& dir, std::size_t k) {
    return dir / fmt::format("core{}", k);
}

std::vector<std::filesystem::path> network_folders(const std::filesystem::path& dir) {
    if (!std::filesystem::exists(core_folder(dir, 0))) return {dir};
    std::vector<std::filesystem::path> folders;
    for (std::size_t k = 0; std::filesystem::exists(core_folder(dir, k)); ++k)
        folders.push_back(core_folder(dir, k));
    return folders;
}

std::filesystem::path network_folder(const std::filesystem::path& dir, std::size_t k, std::size_t count) {
    return count == 1 ? dir : core_folder(dir, k);
}

std::vector<LoadedCandidate> load_candidate_cores(const std::filesystem::path& dir,
                                                  const std::filesystem::path& cache,
                                                  const models::ChainParams& chain) {
    std::vector<LoadedCandidate> cores;
    for (const auto& folder : network_folders(dir)) cores.push_back(load_candidate_dir(folder, cache, chain));
    return cores;
}

std::vector<rtl::PixelCore> read_pixel_cores(const std::filesystem::path& dir) {
    std::vector<rtl::PixelCore> cores;
    for (const auto& folder : network_folders(dir))
        cores.push_back({models::load_network((folder / "network.h5").string()),
                         rtl::parse_template_name(read_summary(folder).template_name)});
    return cores;
}

std::vector<rtl::PixelCore> pixel_cores(const std::vector<LoadedCandidate>& cores) {
    std::vector<rtl::PixelCore> out;
    for (const LoadedCandidate& c : cores) out.push_back({c.network, c.hardware});
    return out;
}

}  // namespace pixforge::tb
