#include "tb/chain_testbench.hpp"
#include "tb/waveforms.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.hpp"
#include "models/estimators/classical.hpp"
#include "models/spectrum.hpp"
#include "models/systemc/adc_sc.hpp"
#include "models/systemc/analog_frontend_sc.hpp"
#include "models/systemc/pixel_block_sc.hpp"
#include "models/systemc/processor_sc.hpp"
#include "models/systemc/pulse_source_sc.hpp"
#include "models/systemc/readout_sc.hpp"
#include "models/systemc/run_simulation.hpp"
#include "models/systemc/trigger_sc.hpp"
#include "models/window_generator.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/verilated_library.hpp"

// libsystemc's own main() refers to sc_main; pixforge drives the kernel itself (run_chain).
int sc_main(int, char*[]) {
    return 0;
}

namespace pixforge::tb {

namespace {

// A classical estimator together with the window context it refers to.
class OwnedClassical : public models::PulseEstimator {
  public:
    OwnedClassical(std::unique_ptr<models::WindowContext> context,
                   std::unique_ptr<models::ClassicalEstimator> estimator)
        : context_(std::move(context)), estimator_(std::move(estimator)) {}
    const std::string& name() const override { return estimator_->name(); }
    models::Estimate estimate(const std::uint16_t* window) const override {
        return estimator_->estimate(window);
    }

  private:
    std::unique_ptr<models::WindowContext> context_;
    std::unique_ptr<models::ClassicalEstimator> estimator_;
};

// A fresh SystemC kernel: the previous one (and the blocks in it) stays allocated, unused.
// A new SystemC kernel for each run: SystemC cannot elaborate after a simulation. The old kernel
// stays: deleting it crashes at exit, when a library-static sc_event unregisters from the kernel it
// was made in. Only processes that run several chains (tests) keep old kernels
// (tests/sanitizer_suppressions-lsan.txt); a chain child runs one.
void fresh_kernel() {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);  // the banner would corrupt --json output
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext;
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    static bool quiet = [] {
        sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
        return true;
    }();
    (void)quiet;
}

}  // namespace

ChainOptions ChainOptions::from_config(const Config& config) {
    ChainOptions o;
    o.clock_period_s = config.real("synthesis.clock_period");
    o.fifo_depth = static_cast<int>(config.integer("readout.fifo_depth"));
    o.link_rate_per_s = config.real("readout.link_rate");
    o.input_buffer = static_cast<int>(config.integer("readout.input_buffer"));
    o.classical_latency = static_cast<int>(config.integer("readout.classical_latency"));
    o.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    return o;
}

std::unique_ptr<models::PulseEstimator> calibrated_classical(const models::PixelChain& chain,
                                                             const Config& config, const std::string& name,
                                                             std::uint64_t seed) {
    auto context = std::make_unique<models::WindowContext>(chain);
    auto all = models::make_classical_estimators(*context, config);
    std::unique_ptr<models::ClassicalEstimator> chosen;
    std::string known;
    for (auto& e : all) {
        known += (known.empty() ? "" : ", ") + e->name();
        if (e->name() == name) chosen = std::move(e);
    }
    if (!chosen)
        throw PixError("SIM-002",
                       fmt::format("classical estimator '{}' is unknown; expected one of: {}", name, known));
    // Calibrate on single-pulse windows of the training spectrum, as `pixforge baseline` does.
    const models::EnergySpectrum spectrum(chain.params().spectrum);
    models::WindowGenerator generator(chain, spectrum, chain.params().rate_per_s,
                                      Rng(seed, "chain calibration"));
    std::vector<models::CalibrationSample> samples;
    models::LabelledWindow w;
    while (samples.size() < 20000) {
        generator.next(w);
        if (w.pileup || w.n_pulses != 1) continue;
        samples.push_back({chosen->measure(w.adc.data()), w.collected_eV, w.t0_s});
    }
    chosen->calibrate(samples);
    return std::make_unique<OwnedClassical>(std::move(context), std::move(chosen));
}

ChainRun run_chain(const models::PixelChain& chain, const ChainOptions& o, const ProcessorChoice& processor,
                   const models::PulseEstimator* classical) {
    const auto wall_start = std::chrono::steady_clock::now();
    fresh_kernel();
    ChainRun run;
    run.processor = processor.classical.empty() ? "network " + processor.template_name : processor.classical;
    const models::EnergySpectrum spectrum(chain.params().test_spectrum);
    const double eps = chain.sensor().pair_energy_eV();
    Rng rng(o.seed, "chain");

    // The modules live until the run's figures are read, and go before their kernel does.
    const auto source = std::make_unique<sc::PulseSourceSc>(
        "source",
        models::PulseSource(chain, spectrum, chain.params().rate_per_s, Rng(rng.next(), "chain.arrivals")),
        o.pulses, [&](const models::Pulse& p) {
            run.truth.push_back({p.t0_s, p.deposit.energy_eV, p.deposit.collected_e * eps, p.line_index});
        });
    const auto frontend =
        std::make_unique<sc::AnalogFrontEndSc>("frontend", chain, Rng(rng.next(), "chain.noise"));
    // The ADC runs until every pulse has rung out and the last window could be complete.
    const double tail = chain.frontend().length() + chain.sensor().max_drift_time() +
                        chain.params().trigger.window * chain.sample_period();
    const auto adc = std::make_unique<sc::AdcSc>(
        "adc", chain, Rng(rng.next(), "chain.adc"), o.adc_block, [src = source.get(), tail, &o] {
            return src->emitted() >= o.pulses ? src->last_arrival_s() + tail : 1e300;
        });
    const auto readout =
        std::make_unique<sc::ReadoutSc>("readout", o.fifo_depth, o.link_rate_per_s,
                                        [&](const sc::PulseResult& r) { run.results.push_back(r); });
    source->to_frontend.bind(frontend->pulses);
    adc->to_frontend.bind(frontend->sampling);
    tlm::tlm_global_quantum::instance().set(sc_core::sc_time(10, sc_core::SC_US));
    if (processor.pixel_block) {
        if (processor.networks.empty())
            throw PixError("SIM-001", "run_chain: a pixel block needs its networks");
        const auto sample_time = [a = adc.get()](std::int64_t k) { return a->sample_time(k); };
        auto candidate = std::make_unique<rtl::VerilatedPixelBlock>(processor.library);
        std::unique_ptr<models::ClockedPixelBlock> rtl_block;
        if (processor.waves.empty())
            rtl_block = std::move(candidate);
        else
            rtl_block = std::make_unique<WaveformPixelBlock>(
                std::move(candidate), processor.waves, processor.wave_windows, o.clock_period_s, sample_time);
        const auto block = std::make_unique<sc::PixelBlockSc>(
            "pixel", chain, o.clock_period_s,
            rtl::pixel_block_spec(chain, o.clock_period_s).cycles_per_sample, std::move(rtl_block),
            processor.networks, sample_time, processor.waves.empty());
        adc->to_trigger.bind(block->codes);
        block->to_readout.bind(readout->results);
        sc::run_simulation();
        block->drain();
        readout->flush();
        const models::PixelBlockRunner& runner = block->runner();
        run.triggers = runner.triggers();
        run.edges_in_dead_time = runner.edges_in_dead_time();
        run.dead_s = block->dead_time_s();
        run.lost_busy = runner.lost();
        run.processed = block->processed();
        run.cycles_simulated = runner.cycles_simulated();
        run.cycles_covered = runner.cycles_covered();
    } else {
        const auto trigger = std::make_unique<sc::TriggerSc>(
            "trigger", chain, [a = adc.get()](std::int64_t k) { return a->sample_time(k); });
        std::unique_ptr<sc::ProcessorSc> host;
        if (classical) {
            host = std::make_unique<sc::ClassicalHostSc>("processor", o.clock_period_s, *classical,
                                                         o.classical_latency);
        } else {
            if (processor.networks.size() != 1)
                throw PixError("SIM-001",
                               "run_chain: a window-level candidate needs one network, and no "
                               "classical estimator");
            host = std::make_unique<sc::NnHostSc>(
                "processor", o.clock_period_s, std::make_unique<rtl::VerilatedNetwork>(processor.library),
                processor.networks.front(), o.input_buffer, adc->block_done, adc->finished);
        }
        adc->to_trigger.bind(trigger->codes);
        trigger->to_host.bind(host->windows);
        host->to_readout.bind(readout->results);
        sc::run_simulation();
        readout->flush();
        run.triggers = trigger->triggers();
        run.edges_in_dead_time = trigger->edges_in_dead_time();
        run.dead_s = trigger->dead_time_s();
        run.lost_busy = host->lost_busy();
        run.processed = host->processed();
        run.cycles_simulated = host->cycles_simulated();
        run.cycles_covered = host->cycles_covered();
    }
    run.lost_fifo = readout->lost();
    run.fifo_max_occupancy = readout->max_occupancy();
    run.adc_samples = static_cast<std::uint64_t>(adc->samples());
    run.duration_s = adc->sample_time(adc->samples());
    run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return run;
}

ChainRun run_chain_classical(const models::PixelChain& chain, const Config& config,
                             const ChainOptions& options, const std::string& name) {
    const auto estimator = calibrated_classical(chain, config, name, options.seed);
    ProcessorChoice choice;
    choice.classical = name;
    return run_chain(chain, options, choice, estimator.get());
}

// [readout]: the keys ChainOptions::from_config reads.
void declare_readout_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(integer("readout.fifo_depth", "16", 1, 1e6, "results the pixel's output FIFO holds"));
    s.add(real("readout.link_rate", Dimension::Rate, "\"1e7/s\"", 1, 1e12,
               "results per second the readout link sends"));
    s.add(
        integer("readout.input_buffer", "1", 1, 1e6, "captured windows that can wait for a busy processor"));
    s.add(integer("readout.classical_latency", "2", 0, 1e6,
                  "clock cycles from a window to its result, classical estimators in the chain"));
}

}  // namespace pixforge::tb
