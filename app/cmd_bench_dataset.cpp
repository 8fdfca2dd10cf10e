// pixforge bench-dataset: generation speed and memory, printed as figures.
#include <sys/resource.h>

#include <chrono>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "models/chain_params.hpp"
#include "models/spectrum.hpp"
#include "models/window_generator.hpp"

namespace pixforge::app {

Action add_bench_dataset_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        std::uint64_t windows = 200000;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("-n,--windows", o->windows, "windows to generate (default 200000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    return [o](std::ostream& out, std::ostream& err) {
        const Config config = o->config.load();
        const auto setup_start = std::chrono::steady_clock::now();
        const models::PixelChain chain(models::chain_params_from(config));
        const models::EnergySpectrum spectrum(chain.params().spectrum);
        models::WindowGenerator generator(chain, spectrum, chain.params().rate_per_s,
                                          Rng(chain.params().seed, "bench"));
        const double setup =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
        models::LabelledWindow w;
        std::uint64_t checksum = 0;
        const auto start = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < o->windows; ++i) {
            generator.next(w);
            checksum += w.adc[static_cast<size_t>(chain.params().trigger.pre_trigger)];
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        const double samples = static_cast<double>(o->windows) * chain.params().trigger.window;
        out << fmt::format("chain setup (response tables, noise model): {:.3f} s\n", setup);
        out << fmt::format("windows: {} of {} samples in {:.3f} s on one core\n", o->windows,
                           chain.params().trigger.window, seconds);
        out << fmt::format("speed: {:.0f} windows/s, {:.3g} ADC samples/s\n", o->windows / seconds,
                           samples / seconds);
        out << fmt::format("stream time covered: {:.4f} s at {:.3g} /s; triggers {}, lost in dead time {}\n",
                           generator.counters().elapsed_s, chain.params().rate_per_s,
                           generator.counters().triggers, generator.counters().lost_dead_time);
        out << fmt::format("peak RSS: {:.1f} MiB (checksum {})\n", usage.ru_maxrss / 1024.0, checksum);
        return 0;
    };
}

}  // namespace pixforge::app
