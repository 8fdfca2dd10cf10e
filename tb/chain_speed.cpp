#include "tb/chain_speed.hpp"

#include <chrono>

#include "models/spectrum.hpp"
#include "models/stream_generator.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "tb/chain_testbench.hpp"

namespace pixforge::tb {

ChainSpeed measure_chain_speed(const Config& config, const LoadedCandidate& c,
                               const std::filesystem::path& cache, std::uint64_t pulses) {
    const models::PixelChain chain(models::chain_params_from(config));
    ChainOptions options = ChainOptions::from_config(config);
    options.pulses = pulses;
    const rtl::PixelBlockSpec spec = rtl::pixel_block_spec(chain, options.clock_period_s);
    const auto library =
        rtl::CandidateBuilder(cache).build(rtl::generate_pixel_block(c.network, c.hardware, spec)).library;
    ChainSpeed speed;
    speed.pulses = pulses;

    // The block alone: the scenario's stream, every cycle stepped.
    std::vector<std::uint16_t> codes;
    const models::EnergySpectrum spectrum(chain.params().test_spectrum);
    const double rate = chain.params().rate_per_s;
    models::generate_stream(
        chain, spectrum, rate, static_cast<double>(pulses) / rate, Rng(options.seed, "bench"), 65536,
        [&](const models::StreamChunk& k) { codes.insert(codes.end(), k.adc.begin(), k.adc.end()); });
    rtl::PixelCandidate block(library);
    block.reset();
    const auto start = std::chrono::steady_clock::now();
    for (const std::uint16_t code : codes)
        for (int k = 0; k < spec.cycles_per_sample; ++k)
            speed.results += block.step(k == 0, code, true).out_valid;
    speed.block_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    speed.block_cycles = codes.size() * static_cast<std::uint64_t>(spec.cycles_per_sample);

    // The chain with the block in it.
    ProcessorChoice choice;
    choice.library = library;
    choice.network = c.network;
    choice.pixel_block = true;
    choice.template_name = c.hardware.name();
    const ChainRun run = run_chain(chain, options, choice);
    speed.chain_simulated = run.cycles_simulated;
    speed.chain_covered = run.cycles_covered;
    speed.chain_s = run.wall_s;
    return speed;
}

}  // namespace pixforge::tb
