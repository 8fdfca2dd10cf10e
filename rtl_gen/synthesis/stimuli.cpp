#include "rtl_gen/synthesis/stimuli.hpp"

#include <cmath>

#include "core/random.hpp"
#include "models/spectrum.hpp"
#include "models/stream_generator.hpp"
#include "models/window_generator.hpp"

namespace pixforge::rtl {

Stimuli stream_stimuli(const models::PixelChain& chain, int samples, int count, double clock_period_s,
                       std::uint64_t seed) {
    const models::ChainParams& p = chain.params();
    const models::EnergySpectrum spectrum(p.test_spectrum);
    models::WindowGenerator generator(chain, spectrum, p.rate_per_s, Rng(seed, "power stimuli"));
    const double adc_period = 1.0 / p.adc.sampling_rate_Hz;
    Stimuli s;
    s.clock_period_s = clock_period_s;
    s.seed = seed;
    models::LabelledWindow w;
    for (int i = 0; i < count; ++i) {
        generator.next(w);
        const double last_sample = w.start_s + static_cast<double>(w.adc.size() - 1) * adc_period;
        StimulusWindow sw;
        sw.ready_cycle =
            static_cast<std::uint64_t>(std::ceil(last_sample / clock_period_s)) + 2;  // after reset
        sw.samples.assign(w.adc.begin(),
                          w.adc.begin() + std::min<long>(samples, static_cast<long>(w.adc.size())));
        sw.samples.resize(static_cast<size_t>(samples), sw.samples.empty() ? 0 : sw.samples.back());
        s.windows.push_back(std::move(sw));
    }
    return s;
}

SampleStimuli sample_stimuli(const models::PixelChain& chain, int pulses, double clock_period_s,
                             int cycles_per_sample, std::uint64_t seed) {
    const models::ChainParams& p = chain.params();
    const models::EnergySpectrum spectrum(p.test_spectrum);
    SampleStimuli s;
    s.cycles_per_sample = cycles_per_sample;
    s.clock_period_s = clock_period_s;
    s.seed = seed;
    models::generate_stream(
        chain, spectrum, p.rate_per_s, pulses / p.rate_per_s, Rng(seed, "power stimuli"), 65536,
        [&](const models::StreamChunk& c) { s.codes.insert(s.codes.end(), c.adc.begin(), c.adc.end()); });
    return s;
}

}  // namespace pixforge::rtl
