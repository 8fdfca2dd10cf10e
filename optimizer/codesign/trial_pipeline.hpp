// One co-design trial, end to end with the real tools (DESIGN.md "A trial"):
//   train     QAT with LibTorch on the study's dataset (cached by dataset + network + training keys)
//   rtl       Verilog for the template, Verilated build (cached by RTL hash), bit-exact check of the
//             candidate against the integer reference on test windows
//   synthesis Yosys + OpenSTA + gate-level power and equivalence (cached; skipped under theory
//             guidance, where proxies stand in)
//   simulate  the SystemC full chain in a child process with a timeout
// Every stage's time is kept; a failing stage throws TrialFailure naming it, which the study
// records as a failed trial with the stage and the log, and goes on. Artefacts and metrics of a
// trial live in STUDY/trials/<id>/ (metrics.json is written last, atomically).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "optimizer/codesign/codesign_setup.hpp"
#include "optimizer/problems.hpp"
#include "rtl_gen/synthesis/ppa.hpp"

namespace pixforge::codesign {

struct TrialFailure : std::runtime_error {
    TrialFailure(std::string stage_, const std::string& what)
        : std::runtime_error(stage_ + ": " + what), stage(std::move(stage_)) {}
    std::string stage;
};

class TrialPipeline {
  public:
    // `base` is the study's config; `dataset` the labelled dataset every trial trains on.
    TrialPipeline(const Config& base, const optimizer::DesignSpace& space, CodesignOptions options,
                  std::filesystem::path study_dir, std::filesystem::path cache_dir,
                  std::filesystem::path dataset, std::filesystem::path executable);

    // Thread-safe: trials run concurrently.
    optimizer::Evaluation evaluate(std::int64_t id, const std::vector<double>& u) const;
    // The metrics of a finished trial (empty when it never got that far).
    static nlohmann::json metrics_of(const std::filesystem::path& study_dir, std::int64_t id);
    // The metrics of every finished trial that met all constraints.
    static std::vector<nlohmann::json> feasible_metrics(const std::filesystem::path& study_dir);

  private:
    optimizer::Evaluation objectives_of(nlohmann::json& metrics) const;  // also writes metrics.json
    const Config& base_;
    const optimizer::DesignSpace& space_;
    CodesignOptions options_;
    std::filesystem::path study_, cache_, dataset_, executable_;
    std::unique_ptr<rtl::PpaEvaluator> ppa_;
};

// The dataset a study trains on, built once per chain config into <cache>/datasets/ (content hash).
std::filesystem::path study_dataset(const Config& config, const std::filesystem::path& cache,
                                    std::ostream* progress);

}  // namespace pixforge::codesign
