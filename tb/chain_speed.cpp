#include "tb/chain_speed.hpp"

#include <chrono>

#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "tb/chain_testbench.hpp"

namespace pixforge::tb {

ChainSpeed measure_chain_speed(const Config& config, const LoadedCandidate& c,
                               const std::filesystem::path& cache, std::uint64_t pulses) {
    const models::PixelChain chain(models::chain_params_from(config));
    ChainOptions options = ChainOptions::from_config(config);
    options.pulses = pulses;
    const rtl::PixelBlockSpec spec = rtl::pixel_block_spec(chain, options.clock_period_s);
    const auto library = rtl::VerilatedLibraryBuilder(cache)
                             .build(rtl::generate_pixel_block(c.network, c.hardware, spec))
                             .library;
    ChainSpeed speed;
    speed.pulses = pulses;

    // The block alone: the scenario's stream (as the power simulation sees it), every cycle stepped.
    const rtl::SampleStimuli stream = rtl::sample_stimuli(
        chain, static_cast<int>(pulses), options.clock_period_s, spec.cycles_per_sample, options.seed);
    rtl::VerilatedPixelBlock block(library);
    block.reset();
    const auto start = std::chrono::steady_clock::now();
    for (const std::uint16_t code : stream.codes)
        for (int k = 0; k < spec.cycles_per_sample; ++k) block.step(k == 0, code, true);
    speed.block_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    speed.block_cycles = stream.codes.size() * static_cast<std::uint64_t>(spec.cycles_per_sample);

    // The chain with the block in it.
    ProcessorChoice choice;
    choice.library = library;
    choice.networks = {c.network};
    choice.pixel_block = true;
    choice.template_name = c.hardware.name();
    const ChainRun run = run_chain(chain, options, choice);
    speed.chain_simulated = run.cycles_simulated;
    speed.chain_covered = run.cycles_covered;
    speed.chain_s = run.wall_s;
    return speed;
}

}  // namespace pixforge::tb
