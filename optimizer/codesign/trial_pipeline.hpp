// One co-design trial, end to end with the real tools (DESIGN.md "A trial"), as named stages:
//   dataset    the labelled dataset of the trial's chain settings (cached by them: the study's own
//              unless the design space varies the ADC, the shaping, the trigger ...)
//   train      QAT with LibTorch on that dataset (cached by dataset + network + training)
//   rtl        Verilog for the template, Verilated build (cached by RTL hash), and the candidate
//              checked bit-exact against the integer reference on test windows
//   synthesis  Yosys + OpenSTA + gate-level power and equivalence (cached; skipped under theory
//              guidance, where proxies stand in)
//   simulate   the full chain in an isolated child (tb::ChainRunner) with a timeout, cached by the
//              trial's config (less the search's own settings), RTL and network
// Each stage fills its part of the trial's TrialMetrics and its time; a failing stage throws
// TrialFailure naming it, which the study records as a failed trial (stage and log) and goes on.
// The trial's files live in its TrialFolder; metrics.json is written last, atomically.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/config.hpp"
#include "datasets/classical_hardware.hpp"
#include "models/network/quantized_network.hpp"
#include "optimizer/codesign/codesign_setup.hpp"
#include "optimizer/codesign/trial_folder.hpp"
#include "optimizer/problems.hpp"
#include "rtl_gen/synthesis/ppa.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "tb/chain_summary.hpp"

namespace pixforge::codesign {

struct TrialFailure : std::runtime_error {
    TrialFailure(std::string stage_, const std::string& what)
        : std::runtime_error(stage_ + ": " + what), stage(std::move(stage_)) {}
    std::string stage;
};

class TrialPipeline {
  public:
    // `base` is the study's config; `executable` the pixforge binary (its hidden chain-job
    // command runs the chain).
    TrialPipeline(const Config& base, const optimizer::DesignSpace& space, CodesignOptions options,
                  std::filesystem::path study_dir, std::filesystem::path cache_dir,
                  std::filesystem::path executable);

    // Thread-safe: trials run concurrently.
    optimizer::Evaluation evaluate(std::int64_t id, const std::vector<double>& u) const;
    // A classical estimator as integer hardware through the same stages after the network's
    // ("classical" instead of "train"), in STUDY/classical/<index>/; a failure is in its metrics.
    // `chain`: overrides of the chain it runs in (chain_overrides of a network's design), none for
    // the study's own.
    TrialMetrics evaluate_classical(std::int64_t index, const datasets::ClassicalHardware& spec,
                                    const rtl::HardwareTemplate& hw,
                                    const std::vector<std::string>& chain = {}) const;
    static std::string classical_design(const datasets::ClassicalHardware& spec,
                                        const rtl::HardwareTemplate& hw,
                                        const std::vector<std::string>& chain);
    // The chain overrides of the network trial at design point `u`.
    std::vector<std::string> chain_of(const std::vector<double>& u) const;

    // Trial `trial` (design point `u`) retrained with training seed `seed`, through the same
    // stages, in STUDY/seeds/<index>/; a failure is in its metrics.
    TrialMetrics evaluate_retrain(std::int64_t index, std::int64_t trial, const std::vector<double>& u,
                                  std::int64_t seed) const;

  private:
    // What a trial builds: its config overrides, its hardware, and its network: trained, or a
    // classical filter built as one (the stage "train" or "classical").
    struct Plan {
        std::vector<std::string> overrides;
        std::vector<DesignCore> cores;  // the block's networks (one: shared, or the classical filter)
        std::optional<datasets::ClassicalHardware> classical;
    };
    // The stages of one trial in `folder`; the plan is made inside, so a bad design fails at
    // "configure" like any other stage.
    optimizer::Evaluation run(const TrialFolder& folder, TrialMetrics& m,
                              const std::function<Plan()>& make_plan) const;
    // The plan of a network trial at design point `u`.
    Plan network_plan(const std::vector<double>& u) const;

    // The stages, in order.
    // Each network of the block trained with its own settings into its candidate folder.
    std::vector<rtl::PixelCore> train(const Config& config, const std::filesystem::path& dataset,
                                      const std::vector<DesignCore>& cores, const TrialFolder& folder,
                                      TrialMetrics& m) const;
    models::QuantizedNetwork train_network(const Config& config, const std::filesystem::path& dataset,
                                           const std::filesystem::path& candidate, std::int64_t id) const;
    models::QuantizedNetwork classical(const Config& config, const std::filesystem::path& dataset,
                                       const datasets::ClassicalHardware& spec, const TrialFolder& folder,
                                       TrialMetrics& m) const;
    static void record_networks(const std::vector<rtl::PixelCore>& cores, TrialMetrics& m);
    // Each network's RTL, built and checked against its integer reference; the block's timing.
    void build_rtl(const Config& config, const std::vector<rtl::PixelCore>& cores,
                   const std::filesystem::path& dataset, const TrialFolder& folder, TrialMetrics& m) const;
    void synthesize(const Config& config, const std::vector<rtl::PixelCore>& cores, const TrialFolder& folder,
                    TrialMetrics& m) const;
    // The full chain in an isolated child, or its copy from the cache (<cache>/chains/<key>/).
    void simulate(const Config& config, const TrialFolder& folder, TrialMetrics& m) const;
    static void record_chain(const tb::ChainSummary& chain, TrialMetrics& m);
    // The objectives and constraints of the finished trial, by guidance; writes its metrics.
    optimizer::Evaluation objectives_of(const TrialFolder& folder, TrialMetrics& m) const;

    const Config& base_;
    const optimizer::DesignSpace& space_;
    CodesignOptions options_;
    std::filesystem::path study_, cache_, executable_;
    std::unique_ptr<rtl::PpaEvaluator> ppa_;
    // One thread at a time builds or reads a dataset file: trials whose space varies the chain
    // build datasets side by side, and a trial was refused a dataset another had just built
    // (DATA-001, the A1 study of session 24); it also spares a second build of the same one.
    mutable std::mutex datasets_;
};

// A synthesized pixel block's figures and its fit in the pixel of `config` into `m`.
void record_synthesis(const rtl::PpaResult& p, const Config& config, const models::AdcParams& adc,
                      TrialMetrics& m);

// The dataset a study trains on, built once per chain config into <cache>/datasets/ (content hash).
std::filesystem::path study_dataset(const Config& config, const std::filesystem::path& cache,
                                    std::ostream* progress);

}  // namespace pixforge::codesign
