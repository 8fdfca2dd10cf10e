// The layout of one trial's folder, STUDY/trials/<id>/ (docs/study_schema.md), in one place (a
// classical design of the study's classical front has the same, in STUDY/classical/<index>/):
//   config.toml  the trial's resolved config        candidate/  Verilog, summary.json, network.h5
//   ppa.json     synthesis, timing and power          chain.*     the full-chain run (tb::ChainRunner)
//   metrics.json TrialMetrics, written last and atomically
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "optimizer/codesign/trial_metrics.hpp"

namespace pixforge::codesign {

class TrialFolder {
  public:
    TrialFolder(const std::filesystem::path& study_dir, std::int64_t id);
    // A classical design of the study's classical hardware front: STUDY/classical/<index>/.
    static TrialFolder classical(const std::filesystem::path& study_dir, std::int64_t index);
    // A network of the front retrained with another seed: STUDY/seeds/<index>/.
    static TrialFolder retrain(const std::filesystem::path& study_dir, std::int64_t index);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path config() const { return dir_ / "config.toml"; }
    std::filesystem::path candidate() const { return dir_ / "candidate"; }
    std::filesystem::path network() const { return candidate() / "network.h5"; }
    // The network files of its pixel block: network() or, for several networks, candidate/core<k>/.
    std::vector<std::filesystem::path> networks() const;
    std::filesystem::path ppa() const { return dir_ / "ppa.json"; }
    std::filesystem::path chain_report() const { return dir_ / "chain.h5"; }
    std::filesystem::path metrics_file() const { return dir_ / "metrics.json"; }

    // Empty metrics (id and nothing else) when the trial never wrote them or they are unreadable
    // (killed before): the trial is unfinished. STUDY-011 for metrics of the wrong types.
    TrialMetrics metrics() const;
    void write_metrics(const TrialMetrics& m) const;

    // Every trial folder of a study, by id (`group` "classical": its classical designs; "seeds":
    // its retrained networks).
    static std::vector<TrialFolder> all(const std::filesystem::path& study_dir,
                                        const std::string& group = "trials");
    // The metrics of every finished trial that met all constraints.
    static std::vector<TrialMetrics> feasible(const std::filesystem::path& study_dir);

  private:
    struct At {};  // the folder itself, not a study's trial
    TrialFolder(At, std::filesystem::path dir, std::int64_t id) : dir_(std::move(dir)), id_(id) {}
    std::filesystem::path dir_;
    std::int64_t id_;
};

}  // namespace pixforge::codesign
