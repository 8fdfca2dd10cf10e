// pixforge bench-chain: cycles per second of the pixel block in the SystemC chain against the same
// Verilated block stepped alone, on the config's scenario (tb/chain_speed.hpp).
#include <fmt/format.h>

#include "app/cli.hpp"
#include "models/chain_params.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "tb/chain_speed.hpp"

namespace pixforge::app {

Action add_bench_chain_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        std::string candidate, cache;
        std::uint64_t pulses = 2000;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("--candidate", o->candidate, "candidate folder from pixforge rtl -o DIR")->required();
    cmd.add_option("-n,--pulses", o->pulses, "photons in the stream")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30));
    cmd.add_option("--cache", o->cache, "candidate cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.footer(
        "Example:\n  pixforge rtl -n net.h5 -t streaming -o out/cand\n"
        "  pixforge bench-chain -c configs/default.toml --candidate out/cand -n 2000");
    return [o](std::ostream& out, std::ostream&) {
        const Config config = o->config.load();
        const auto cache = rtl::VerilatedLibraryBuilder::cache_or_default(o->cache);
        const tb::LoadedCandidate c =
            tb::load_candidate_dir(o->candidate, cache, models::chain_params_from(config));
        const tb::ChainSpeed s = tb::measure_chain_speed(config, c, cache, o->pulses);
        out << fmt::format("pixel block {} alone:  {} cycles in {:.3f} s: {:.3g} cycles/s\n",
                           c.hardware.name(), s.block_cycles, s.block_s, s.block_cycles_per_s());
        out << fmt::format(
            "in the chain ({} pulses): {} cycles covered in {:.3f} s: {:.3g} cycles/s, {:.2f} of "
            "the block alone ({} cycles stepped, the rest idle and skipped exactly)\n",
            s.pulses, s.chain_covered, s.chain_s, s.chain_covered_per_s(),
            s.chain_covered_per_s() / s.block_cycles_per_s(), s.chain_simulated);
        return 0;
    };
}

}  // namespace pixforge::app
